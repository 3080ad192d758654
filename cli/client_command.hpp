// cli/client_command.hpp: the kubectl-like client commands of the batchlet binary — get,
// describe, logs, wait, apply, create, delete, suspend, resume, events, whoami — and `completion
// bash`. They talk to a running agent over its unix socket (--socket, $BATCHLET_SOCKET, else the
// default; see cli/api_client.hpp), in the caller's namespace unless -n/-A say otherwise.
//
// Contract: exit code 0 on success and 1 on any failure, with the server's Status message in
// kubectl's words on stderr (like kubectl); command-line mistakes are CLI11's (exit 2).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/get_command.hpp"
#include "cli/logs_command.hpp"
#include "cli/object_commands.hpp"

namespace cli {

class ClientCommands {
 public:
  // Adds the client subcommands to `app`.
  explicit ClientCommands(CLI::App& app);
  bool selected() const;
  int run() const;

 private:
  void add_connection(CLI::App* command, bool all_namespaces);

  std::vector<CLI::App*> commands_;
  CLI::App* get_ = nullptr;
  CLI::App* events_ = nullptr;
  CLI::App* describe_ = nullptr;
  CLI::App* logs_ = nullptr;
  CLI::App* wait_ = nullptr;
  CLI::App* apply_ = nullptr;
  CLI::App* create_ = nullptr;
  CLI::App* delete_ = nullptr;
  CLI::App* suspend_ = nullptr;
  CLI::App* resume_ = nullptr;
  CLI::App* info_ = nullptr;
  CLI::App* completion_ = nullptr;
  ConnectionFlags connection_;
  GetOptions get_options_;
  GetOptions events_options_;
  std::string events_for_;
  std::vector<std::string> describe_arguments_;
  LogsOptions logs_options_;
  WaitOptions wait_options_;
  ObjectOptions object_options_;
  std::string completion_shell_;
};

// The bash completion script `batchlet completion bash` prints.
std::string bash_completion();

}  // namespace cli
