// cli/main.cpp: the batchlet command line: subcommands and their flags (CLI11).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/logging.hpp"
#include "cli/image_command.hpp"
#include "cli/run_command.hpp"
#include "cli/shim_command.hpp"

#ifndef BATCHLET_VERSION
#define BATCHLET_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "shim") return cli::shim_command(argc, argv);
  CLI::App app{"batchlet: run Kubernetes batch/v1 Jobs on this machine, without a cluster"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();

  cli::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run one Job to its end here, without an agent");
  run_cmd->add_option("-f,--filename", run.file, "The Job manifest (YAML or JSON)")->required();
  run_cmd->add_flag("-q,--quiet", run.quiet, "Print only the pod's output and the final status");
  run_cmd
      ->add_option("-o,--output", run.output,
                   "json: print the finished Job, as the API server would return it, to stdout")
      ->check(CLI::IsMember({"json"}));

  auto* version_cmd = app.add_subcommand("version", "Print the version");
  const cli::ImageCommand image(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kExitBadInput;
  }
  if (auto s = base::init_logging(log_level); !s) {
    std::fprintf(stderr, "error: --log-level: %s\n", s.error().message().c_str());
    return cli::kExitBadInput;
  }
  if (*version_cmd) {
    std::printf("batchlet %s\n", BATCHLET_VERSION);
    return 0;
  }
  if (image.selected()) return image.run();
  return cli::run_command(run);
}
