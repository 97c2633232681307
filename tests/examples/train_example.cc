// A complete grove program: the README shows this file. It trains gradient-boosted trees on
// the user guide's demo data with the guide's hyperparameters, reports validation AUC after
// each round, saves the model, loads it back and predicts.
#include <cstdio>
#include <filesystem>
#include <vector>

#include <grove/grove.h>

int main(int argc, char** argv) {
  const std::filesystem::path model_path = argc > 1 ? argv[1] : "demo-model.json";

  // Data: any DataSet works — from io::ReadChannel, MakeDataSet(pointer, ...) or Eigen.
  const grove::DemoData demo = grove::MakeDemoData();

  grove::TrainParams params = grove::ParseParams({
      {"objective", "binary:logistic"}, {"num_round", "100"}, {"max_depth", "5"},
      {"eta", "0.2"}, {"gamma", "4"}, {"min_child_weight", "6"}, {"subsample", "0.8"},
      {"eval_metric", "auc"}});

  const std::vector<grove::EvalSet> evals = {{"train", &demo.train},
                                             {"validation", &demo.test}};
  grove::TrainOptions options;
  options.on_round = [](const grove::RoundInfo& round) {
    if (round.iteration % 20 == 19) {
      std::printf("[%d]", round.iteration);
      for (const grove::EvalResult& r : round.results) {
        std::printf("\t%s-%s:%.5f", r.set.c_str(), r.metric.c_str(), r.value);
      }
      std::printf("\n");
    }
    return true;  // keep going
  };
  const grove::Model model = grove::Train(params, demo.train, evals, options);

  model.Save(model_path);
  const grove::Model loaded = grove::Model::Load(model_path);
  const std::vector<float> p = loaded.Predict(demo.test.Dense());  // probabilities

  grove::MetricInput input;
  input.predictions = p;
  input.labels = demo.test.labels;
  std::printf("held-out auc %.4f with %d trees\n", grove::CreateMetric("auc")->Evaluate(input),
              loaded.NumRounds());
  return 0;
}
