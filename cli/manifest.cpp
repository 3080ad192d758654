#include "cli/manifest.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "agent/node_admission.hpp"
#include "api/job_create.hpp"
#include "api/names.hpp"
#include "api/yaml_codec.hpp"
#include "base/file.hpp"
#include "base/limits.hpp"

namespace cli {
namespace {

std::string at_line(const std::string& file, int line, std::string_view what) {
  std::string text = file;
  if (line > 0) {
    text += ':';
    text += std::to_string(line);
  }
  text += ": ";
  text += what;
  return text;
}

ManifestErrors field_errors(const std::string& file, const api::FieldErrors& errors,
                            const api::LineIndex& lines, int fallback_line) {
  ManifestErrors out;
  for (const auto& e : errors) {
    out.push_back(at_line(file, lines.line_of(e.field).value_or(fallback_line), e.to_string()));
  }
  return out;
}

}  // namespace

std::variant<api::Job, ManifestErrors> load_job_manifest(const std::filesystem::path& path,
                                                         base::TimePoint now) {
  const std::string file = path.string();
  // One byte past the cap is read so that the codec reports an oversized manifest.
  auto text = base::read_file(path, base::limits::kMaxManifestBytes);
  if (!text) {
    const int err = text.error().sys_errno();
    return ManifestErrors{at_line(file, 0, err != 0 ? std::strerror(err) : text.error().message())};
  }

  api::YamlParseResult parsed = api::parse_yaml_documents(*text);
  if (parsed.error) return ManifestErrors{at_line(file, parsed.error->line, parsed.error->message)};
  if (parsed.documents.empty()) {
    return ManifestErrors{at_line(file, 0, "no Job in the file (it has no YAML document)")};
  }
  if (parsed.documents.size() > 1) {
    return ManifestErrors{at_line(file, parsed.documents[1].first_line,
                                  "batchlet run takes one Job, but the file has " +
                                      std::to_string(parsed.documents.size()) + " documents")};
  }
  const api::YamlDocument& doc = parsed.documents.front();

  auto rng = api::seeded_engine();
  api::CreatedJob created = api::create_job(doc.value, now, rng);
  if (created.bad_request)
    return ManifestErrors{at_line(file, doc.first_line, *created.bad_request)};
  if (created.errors.empty()) created.errors = agent::node_admission_errors(created.job);
  if (!created.errors.empty()) return field_errors(file, created.errors, doc.lines, doc.first_line);
  return std::move(created.job);
}

}  // namespace cli
