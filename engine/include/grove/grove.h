// grove/grove.h — everything a library user needs, in one include.
//
//   #include <grove/grove.h>
//   grove::io::ReadOptions options;
//   grove::DataSet train = grove::io::ReadChannel("data/train", options);
//   grove::Model model = grove::Train(grove::ParseParams({{"objective", "binary:logistic"}}), train);
#pragma once

#include "grove/context.h"
#include "grove/dataset.h"
#include "grove/demo.h"
#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "grove/metrics.h"
#include "grove/model.h"
#include "grove/params.h"
#include "grove/train.h"
#include "grove/xgboost.h"
