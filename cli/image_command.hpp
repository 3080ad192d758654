// cli/image_command.hpp: `batchlet image import|ls|rm|inspect|prune` over the image store in
// <state dir>/images (--state-dir, default /var/lib/batchlet).
//
// pull REF fetches from a registry (--insecure-registry HOST[:PORT] for plain HTTP, --auth-file
// a docker config.json), printing progress lines on stderr and "Pulled: NAME@DIGEST".
// Output follows docker/crictl: import prints "Loaded image: NAME" (or "Loaded image ID: ID"),
// ls a table IMAGE TAG IMAGE ID SIZE, rm "Untagged: NAME" / "Deleted: ID", inspect one JSON
// object per image, prune "Deleted blobs: N, layers: M" and the space reclaimed.
// Exit codes: 0 done, 1 the operation failed (message on stderr), 2 bad command line.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cli {

class ImageCommand {
 public:
  // Adds the "image" subcommand and its subcommands to `app`.
  explicit ImageCommand(CLI::App& app);
  bool selected() const { return image_->parsed(); }
  int run() const;

 private:
  CLI::App* image_;
  CLI::App* import_;
  CLI::App* ls_;
  CLI::App* rm_;
  CLI::App* inspect_;
  CLI::App* prune_;
  CLI::App* pull_;
  std::vector<std::string> insecure_;
  std::string auth_file_;
  int timeout_seconds_ = 30;
  std::string state_dir_;
  std::string source_;
  std::string name_;
  bool quiet_ = false;
  std::string progress_ = "auto";
  std::vector<std::string> references_;
};

}  // namespace cli
