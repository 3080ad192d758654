// cli/main.cpp: the batchlet command line: subcommands and their flags (CLI11).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/logging.hpp"
#include "cli/client_command.hpp"
#include "cli/image_command.hpp"
#include "cli/progress_mode.hpp"
#include "cli/run_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/shim_command.hpp"
#include "systemd/journal_log.hpp"

#ifndef BATCHLET_VERSION
#define BATCHLET_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "shim") return cli::shim_command(argc, argv);
  CLI::App app{"batchlet: run Kubernetes batch/v1 Jobs on this machine, without a cluster"};
  app.require_subcommand(1);
  // `batchlet serve --log-level info`: the global option may follow the subcommand.
  app.fallthrough();
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error or off (default: warn; error for run)");

  cli::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run one Job to its end here, without a running agent");
  run_cmd->add_option("-f,--filename", run.file, "The Job manifest (YAML or JSON)")->required();
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress lines; only the final status");
  run_cmd
      ->add_option("--progress", run.progress,
                   "Progress lines on stderr: auto (when it is a terminal; $BATCHLET_PROGRESS "
                   "may say always or never), always, never")
      ->check(CLI::IsMember(cli::kProgressModes));
  run_cmd->add_flag("--logs", run.logs, "Stream the containers' output (stdout and stderr)");
  run_cmd->add_option("--state-dir", run.state_dir,
                      "Keep the Job, its pods and logs in this state directory (default: a "
                      "temporary one, removed at the end)");
  run_cmd
      ->add_option("-o,--output", run.output,
                   "json: print the finished Job, as the API server would return it, to stdout")
      ->check(CLI::IsMember({"json"}));

  auto* version_cmd = app.add_subcommand("version", "Print the version");
  const cli::ImageCommand image(app);
  const cli::ServeCommand serve(app);
  const cli::ClientCommands client(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kExitBadInput;
  }
  // `batchlet run` talks to a person through its progress lines; its log is for errors only.
  if (log_level.empty()) log_level = *run_cmd ? "error" : "warn";
  if (auto s = base::init_logging(log_level); !s) {
    std::fprintf(stderr, "error: --log-level: %s\n", s.error().message().c_str());
    return cli::kExitBadInput;
  }
  // Under systemd with stderr on the journal: entries with priorities and fields instead.
  if (serve.selected() && systemd::stderr_is_journal()) {
    if (auto s = systemd::log_to_journal(); !s) {
      std::fprintf(stderr, "warning: %s\n", s.error().message().c_str());
    }
  }
  if (*version_cmd) {
    std::printf("batchlet %s\n", BATCHLET_VERSION);
    return 0;
  }
  if (image.selected()) return image.run();
  if (serve.selected()) return serve.run();
  if (client.selected()) return client.run();
  return cli::run_command(run);
}
