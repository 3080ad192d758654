// cli/client_command.cpp: the client subcommands' flags (kubectl's names) and dispatch.
#include "cli/client_command.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>

#include "cli/describe_command.hpp"

namespace cli {

namespace {

const char* kOutputHelp = "Output format: wide, yaml, json or name";

int info_command(const ClientContext& context) {
  auto version = context.get_json("/version");
  if (!version) return 1;
  const uid_t uid = ::geteuid();
  const passwd* user = ::getpwuid(uid);
  const bool tls = context.api.socket().empty();
  const std::string own = tls ? "default" : own_namespace(context.api.socket());
  const bool rootless = !tls && context.api.socket() == rootless_socket();
  std::printf("Agent:      %s (API batch/v1 as Kubernetes %s)\n", context.api.where().c_str(),
              version->value("gitVersion", "").c_str());
  if (tls) {
    std::printf("User:       the kubeconfig's credentials\n");
  } else {
    std::printf("User:       %s (uid %u)\n", user ? user->pw_name : "?", uid);
  }
  std::printf("Namespace:  %s\n", context.ns.c_str());
  const std::string access = rootless           ? "every namespace (your own rootless agent)"
                             : own == "default" ? "administrator: every namespace"
                                                : "your namespace only (" + own + ")";
  std::printf("Access:     %s\n", access.c_str());
  auto jobs = context.get_json(context.collection_path(*resolve_kind("jobs")));
  if (!jobs) return 1;
  int active = 0, complete = 0, failed = 0;
  for (const auto& job : (*jobs)["items"]) {
    std::string state = "active";
    for (const auto& c : job.value("status", nlohmann::json::object())
                             .value("conditions", nlohmann::json::array())) {
      if (c.value("status", "") != "True") continue;
      if (c.value("type", "") == "Complete") state = "complete";
      if (c.value("type", "") == "Failed") state = "failed";
    }
    (state == "complete" ? complete : state == "failed" ? failed : active)++;
  }
  std::printf("Jobs:       %zu (%d running or waiting, %d complete, %d failed)\n",
              (*jobs)["items"].size(), active, complete, failed);
  return 0;
}

}  // namespace

void ClientCommands::add_connection(CLI::App* command, bool all_namespaces) {
  command->add_option("-n,--namespace", connection_.ns,
                      "The namespace (default: yours; \"default\" for administrators)");
  if (all_namespaces) {
    command->add_flag("-A,--all-namespaces", connection_.all_namespaces,
                      "Every namespace you may see");
  }
  command->add_option("--socket", connection_.socket,
                      "The agent's unix socket (default: $BATCHLET_SOCKET, else your rootless "
                      "agent's, else /run/batchlet/batchlet.sock)");
  command->add_option("--kubeconfig", connection_.kubeconfig,
                      "Talk HTTPS to the agent this kubeconfig names (batchlet kubeconfig > F)");
  commands_.push_back(command);
}

ClientCommands::ClientCommands(CLI::App& app) {
  get_ = app.add_subcommand("get", "List jobs, pods, events or namespaces, or show some by name");
  get_->add_option("args", get_options_.arguments, "KIND [NAME...] or KIND/NAME...")->required();
  get_->add_option("-o,--output", get_options_.output, kOutputHelp)
      ->check(CLI::IsMember({"wide", "yaml", "json", "name"}));
  get_->add_option("-l,--selector", get_options_.selector, "Label selector (app=x,tier!=y)");
  get_->add_option("--field-selector", get_options_.field_selector, "Field selector");
  get_->add_flag("-w,--watch", get_options_.watch, "After listing, print every change");
  get_->add_flag("--no-headers", get_options_.no_headers, "No header line");
  get_->add_flag("--show-labels", get_options_.show_labels, "A LABELS column last");
  add_connection(get_, true);

  events_ = app.add_subcommand("events", "List events (of one object with --for KIND/NAME)");
  events_->add_option("--for", events_for_, "Only the events of this object, e.g. job/pi");
  events_->add_flag("-w,--watch", events_options_.watch, "After listing, print every new event");
  events_->add_option("-o,--output", events_options_.output, kOutputHelp)
      ->check(CLI::IsMember({"wide", "yaml", "json", "name"}));
  add_connection(events_, true);

  describe_ = app.add_subcommand("describe", "Show a job or pod in detail, with its events");
  describe_->add_option("args", describe_arguments_, "KIND NAME... or KIND/NAME...")->required();
  add_connection(describe_, false);

  logs_ =
      app.add_subcommand("logs", "Print the output of a pod's container (job/NAME: a pod of it)");
  logs_->add_option("target", logs_options_.target, "POD, pod/NAME or job/NAME")->required();
  logs_->add_option("-c,--container", logs_options_.container, "The container");
  logs_->add_flag("-f,--follow", logs_options_.follow, "Keep printing until the container ends");
  logs_->add_flag("-p,--previous", logs_options_.previous, "The previous run's output");
  logs_->add_flag("--timestamps", logs_options_.timestamps, "Prefix each line with its time");
  logs_->add_option("--tail", logs_options_.tail, "Only the last N lines");
  add_connection(logs_, false);

  wait_ = app.add_subcommand("wait", "Wait for a condition of a job (or its deletion)");
  wait_->add_option("targets", wait_options_.targets, "KIND/NAME...")->required();
  wait_
      ->add_option("--for", wait_options_.condition,
                   "condition=NAME[=VALUE] (e.g. condition=complete) or delete")
      ->required();
  wait_->add_option("--timeout", wait_options_.timeout, "How long to wait (30s, 5m, 1h)");
  add_connection(wait_, false);

  for (auto** command : {&apply_, &create_}) {
    const bool apply = command == &apply_;
    *command = app.add_subcommand(
        apply ? "apply" : "create",
        apply ? "Create or update the objects of a manifest" : "Create the objects of a manifest");
    (*command)
        ->add_option("-f,--filename", object_options_.files, "YAML or JSON file, - for stdin")
        ->required();
    (*command)
        ->add_option("-o,--output", object_options_.output, "yaml, json or name")
        ->check(CLI::IsMember({"yaml", "json", "name"}));
    add_connection(*command, false);
  }

  delete_ = app.add_subcommand("delete", "Delete jobs or pods (a job's pods go with it)");
  delete_->add_option("args", object_options_.arguments, "KIND NAME... or KIND/NAME...");
  delete_->add_option("-f,--filename", object_options_.files, "The objects of a manifest");
  delete_->add_option("-l,--selector", object_options_.selector, "Every object with these labels");
  delete_->add_option("--cascade", object_options_.cascade, "background, foreground or orphan")
      ->check(CLI::IsMember({"background", "foreground", "orphan"}));
  delete_->add_option("--grace-period", object_options_.grace_period,
                      "Seconds the containers get to stop (default: the pod's own)");
  delete_->add_option("--wait", object_options_.wait, "Wait until the objects are gone (true)");
  add_connection(delete_, false);

  suspend_ = app.add_subcommand("suspend", "Suspend jobs: their running pods are deleted");
  suspend_->add_option("args", object_options_.arguments, "job/NAME or NAME...")->required();
  add_connection(suspend_, false);
  resume_ = app.add_subcommand("resume", "Resume suspended jobs");
  resume_->add_option("args", object_options_.arguments, "job/NAME or NAME...")->required();
  add_connection(resume_, false);

  info_ = app.add_subcommand("whoami", "Who you are to the running agent, your namespace and jobs");
  add_connection(info_, false);

  completion_ = app.add_subcommand("completion", "Print a shell completion script (bash)");
  completion_->add_option("shell", completion_shell_, "bash")
      ->required()
      ->check(CLI::IsMember({"bash"}));
}

bool ClientCommands::selected() const {
  if (completion_->parsed()) return true;
  for (auto* command : commands_) {
    if (command->parsed()) return true;
  }
  return false;
}

int ClientCommands::run() const {
  if (completion_->parsed()) {
    std::fputs(bash_completion().c_str(), stdout);
    return 0;
  }
  const std::optional<ClientContext> made = make_context(connection_);
  if (!made) return 1;
  const ClientContext& context = *made;
  ObjectOptions objects = object_options_;
  objects.explicit_namespace = !connection_.ns.empty();
  if (get_->parsed()) return get_command(context, get_options_);
  if (events_->parsed()) {
    GetOptions options = events_options_;
    options.arguments = {"events"};
    if (!events_for_.empty()) {
      std::string error;
      auto ref = parse_object_ref(events_for_, "", error);
      if (!ref) return fail(error);
      options.field_selector =
          "involvedObject.kind=" + ref->kind.kind + ",involvedObject.name=" + ref->name;
    }
    return get_command(context, options);
  }
  if (describe_->parsed()) return describe_command(context, describe_arguments_);
  if (logs_->parsed()) return logs_command(context, logs_options_);
  if (wait_->parsed()) return wait_command(context, wait_options_);
  if (apply_->parsed()) return apply_command(context, objects);
  if (create_->parsed()) return create_command(context, objects);
  if (delete_->parsed()) return delete_command(context, objects);
  if (suspend_->parsed()) return suspend_command(context, objects, true);
  if (resume_->parsed()) return suspend_command(context, objects, false);
  return info_command(context);
}

std::string bash_completion() {
  return R"BASH(# bash completion for batchlet; load with: source <(batchlet completion bash)
_batchlet() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
    words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
  }
  local commands="run serve image get describe logs wait apply create delete suspend resume events info whoami kubeconfig completion version"
  local kinds="jobs pods events namespaces"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur")); return
  fi
  case "$prev" in
    -f|--filename|--state-dir|--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -W "wide yaml json name" -- "$cur")); return ;;
    -n|--namespace)
      COMPREPLY=($(compgen -W "$(batchlet get namespaces -o name 2>/dev/null | sed 's|.*/||')" -- "$cur"))
      return ;;
    --for) COMPREPLY=($(compgen -W "condition=complete condition=failed delete" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "-n --namespace -A --all-namespaces -o --output -l --selector -w --watch -f --filename --socket --help" -- "$cur"))
    return
  fi
  local command="${words[1]}" kind=""
  case "$command" in
    get|describe|delete)
      if [[ $cword -eq 2 ]]; then COMPREPLY=($(compgen -W "$kinds" -- "$cur")); return; fi
      kind="${words[2]}" ;;
    logs) kind=pods ;;
    suspend|resume) kind=jobs ;;
    wait) kind=jobs ;;
    completion) COMPREPLY=($(compgen -W "bash" -- "$cur")); return ;;
    *) return ;;
  esac
  local names
  names=$(batchlet get "$kind" -o name 2>/dev/null | sed 's|.*/||')
  if [[ "$command" == wait ]]; then names=$(sed 's|^|job/|' <<<"$names"); fi
  COMPREPLY=($(compgen -W "$names" -- "$cur"))
}
complete -F _batchlet batchlet
)BASH";
}

}  // namespace cli
