#include "cli/image_command.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/paths.hpp"
#include "cli/progress_mode.hpp"
#include "runtime/image_import.hpp"
#include "runtime/image_reference.hpp"
#include "runtime/image_store.hpp"
#include "runtime/registry_client.hpp"

namespace cli {
namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;

int fail(const base::Error& error) {
  std::fprintf(stderr, "error: %s\n", error.message().c_str());
  return kFailed;
}

// Docker's units.HumanSize: decimal units, 3 significant digits ("4.26MB").
std::string human_size(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g%s", value, kUnits[unit]);
  return text;
}

int import_command(const runtime::ImageStore& store, const std::string& source,
                   const std::string& name) {
  runtime::ImportOptions options;
  options.name = name;
  auto images = runtime::import_images(store, source, options);
  if (!images) return fail(images.error());
  for (const auto& image : *images) {
    if (image.names.empty()) std::printf("Loaded image ID: %s\n", image.id.str().c_str());
    for (const auto& n : image.names) {
      auto ref = runtime::parse_reference(n);
      std::printf("Loaded image: %s\n", ref ? ref->familiar().c_str() : n.c_str());
    }
  }
  return kOk;
}

int ls_command(const runtime::ImageStore& store, bool quiet) {
  auto images = store.list();
  if (!images) return fail(images.error());
  std::vector<std::array<std::string, 4>> rows;
  for (const auto& image : *images) {
    const std::string id = image.id.hex.substr(0, 13);
    if (quiet) {
      std::printf("sha256:%s\n", image.id.hex.c_str());
      continue;
    }
    if (image.names.empty()) rows.push_back({"<none>", "<none>", id, human_size(image.size())});
    for (const auto& n : image.names) {
      auto ref = runtime::parse_reference(n);
      if (!ref) continue;
      rows.push_back({ref->name(), ref->tag, id, human_size(image.size())});
    }
  }
  if (quiet) return kOk;
  std::array<std::size_t, 4> width = {5, 3, 8, 4};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < 4; ++i) width[i] = std::max(width[i], row[i].size());
  }
  const auto print = [&](const std::array<std::string, 4>& row) {
    std::printf("%-*s   %-*s   %-*s   %s\n", static_cast<int>(width[0]), row[0].c_str(),
                static_cast<int>(width[1]), row[1].c_str(), static_cast<int>(width[2]),
                row[2].c_str(), row[3].c_str());
  };
  print({"IMAGE", "TAG", "IMAGE ID", "SIZE"});
  for (const auto& row : rows) print(row);
  return kOk;
}

int rm_command(const runtime::ImageStore& store, const std::vector<std::string>& references) {
  auto held = store.lock();
  if (!held) return fail(held.error());
  int code = kOk;
  for (const auto& reference : references) {
    auto removed = store.remove(reference);
    if (!removed) {
      code = fail(removed.error());
      continue;
    }
    for (const auto& n : removed->untagged) std::printf("Untagged: %s\n", n.c_str());
    if (removed->deleted) std::printf("Deleted: %s\n", removed->deleted->str().c_str());
  }
  return code;
}

int inspect_command(const runtime::ImageStore& store, const std::vector<std::string>& references) {
  auto images = store.list();
  if (!images) return fail(images.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& reference : references) {
    auto resolved = store.resolve(reference);
    if (!resolved) return fail(resolved.error());
    const auto& r = resolved->record;
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers) {
      layers.push_back({{"blob", l.blob.str()},
                        {"diffID", l.diff_id.str()},
                        {"blobSize", l.blob_size},
                        {"size", l.unpacked_size},
                        {"references", runtime::ImageStore::layer_references(*images, l.diff_id)},
                        {"path", store.layer_path(l.diff_id).string()}});
    }
    const auto& c = resolved->config;
    nlohmann::json lowerdirs = nlohmann::json::array();
    for (const auto& d : resolved->lowerdirs) lowerdirs.push_back(d.string());
    out.push_back({{"id", r.id.str()},
                   {"repoTags", r.names},
                   {"repoDigests", r.repo_digests},
                   {"manifest", r.manifest ? r.manifest->str() : ""},
                   {"importedAt", r.imported_at},
                   {"size", r.size()},
                   {"os", c.os},
                   {"architecture", c.architecture},
                   {"config",
                    {{"Entrypoint", c.entrypoint},
                     {"Cmd", c.cmd},
                     {"Env", c.env},
                     {"WorkingDir", c.working_dir},
                     {"User", c.user}}},
                   {"layers", layers},
                   {"lowerdirs", lowerdirs}});
  }
  std::printf("%s\n", out.dump(2).c_str());
  return kOk;
}

int pull_command(const runtime::ImageStore& store, const std::string& reference,
                 const runtime::RegistryConfig& config, bool progress) {
  auto record = runtime::pull_image(store, reference, config, [progress](const std::string& line) {
    if (progress) std::fprintf(stderr, "%s\n", line.c_str());
  });
  if (!record) return fail(record.error());
  for (const auto& d : record->repo_digests) std::printf("Pulled: %s\n", d.c_str());
  return kOk;
}

int prune_command(const runtime::ImageStore& store) {
  auto held = store.lock();
  if (!held) return fail(held.error());
  auto report = store.collect_garbage();
  if (!report) return fail(report.error());
  std::printf("Deleted blobs: %llu, layers: %llu\nTotal reclaimed space: %s\n",
              static_cast<unsigned long long>(report->blobs_removed),
              static_cast<unsigned long long>(report->layers_removed),
              human_size(report->bytes_freed).c_str());
  return kOk;
}

}  // namespace

ImageCommand::ImageCommand(CLI::App& app)
    : image_(app.add_subcommand("image", "Manage images: import, ls, rm, inspect, prune")),
      state_dir_(base::kDefaultStateDir) {
  image_->require_subcommand(1);
  image_->fallthrough();
  image_->add_option("--state-dir", state_dir_, "State directory (images live in <dir>/images)")
      ->capture_default_str();
  import_ = image_->add_subcommand(
      "import", "Import images from a docker-archive or OCI archive tarball, or an OCI layout");
  import_->add_option("source", source_, "FILE or DIR")->required();
  import_->add_option("--name", name_, "Also name the image (single-image sources)");
  ls_ = image_->add_subcommand("ls", "List images");
  ls_->add_flag("-q,--quiet", quiet_, "Only print image ids");
  rm_ = image_->add_subcommand("rm", "Untag and delete images");
  rm_->add_option("image", references_, "IMAGE [IMAGE...]")->required();
  inspect_ = image_->add_subcommand("inspect", "Show images as JSON");
  inspect_->add_option("image", references_, "IMAGE [IMAGE...]")->required();
  prune_ = image_->add_subcommand("prune", "Delete blobs and layers no image uses");
  pull_ = image_->add_subcommand("pull", "Pull an image from a registry");
  pull_->add_option("image", source_, "IMAGE")->required();
  pull_->add_option("--insecure-registry", insecure_, "Registry (host[:port]) spoken to over HTTP");
  pull_->add_option("--auth-file", auth_file_, "docker config.json with registry credentials");
  pull_
      ->add_option("--progress", progress_,
                   "Progress lines on stderr: auto (when it is a terminal), always, never")
      ->check(CLI::IsMember(kProgressModes));
  pull_->add_option("--timeout", timeout_seconds_, "Seconds allowed for each network operation")
      ->capture_default_str();
}

int ImageCommand::run() const {
  auto store = runtime::ImageStore::open(base::Paths(state_dir_).images_dir());
  if (!store) return fail(store.error());
  if (import_->parsed()) return import_command(*store, source_, name_);
  if (ls_->parsed()) return ls_command(*store, quiet_);
  if (rm_->parsed()) return rm_command(*store, references_);
  if (inspect_->parsed()) return inspect_command(*store, references_);
  if (pull_->parsed()) {
    runtime::RegistryConfig config;
    config.insecure.insert(insecure_.begin(), insecure_.end());
    config.timeout = std::chrono::seconds(timeout_seconds_);
    if (!auth_file_.empty()) {
      if (auto s = runtime::load_docker_auths(auth_file_, config); !s) return fail(s.error());
    }
    return pull_command(*store, source_, config, show_progress(progress_));
  }
  return prune_command(*store);
}

}  // namespace cli
