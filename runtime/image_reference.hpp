// runtime/image_reference.hpp: image references parsed and normalised as Docker and containerd
// do (github.com/distribution/reference): Parse, ParseNormalizedNamed, TagNameOnly, familiar form.
//
// Grammar:  reference := name [":" tag] ["@" digest];  name := [domain "/"] path
//   domain  := host [":" port], host a DNS name, an IPv4 address or "[" IPv6 "]"
//   path    := component ("/" component)*, component [a-z0-9]+ joined by ".", "_", "__" or "-"+
//   tag     := [\w][\w.-]{0,127};  digest := algorithm ":" hex (a sha256/384/512 go-digest)
// A path longer than 255 characters is refused. Errors are upstream's messages, prefixed the way
// docker prints them: `invalid reference format: repository name (X) must be lowercase`.
//
// normalize_reference("busybox") is docker.io/library/busybox (name only, no tag added);
// with_default_tag() adds ":latest" when neither tag nor digest is given (TagNameOnly).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "runtime/image_digest.hpp"

namespace runtime {

inline constexpr std::size_t kMaxRepositoryPathLength = 255;
inline constexpr std::string_view kDefaultRegistry = "docker.io";
inline constexpr std::string_view kDefaultTag = "latest";

struct ImageReference {
  std::string domain;  // "" when the reference had none (only from parse_reference)
  std::string path;    // "library/busybox"
  std::string tag;     // "" when absent
  std::optional<Digest> digest;

  // domain + "/" + path, or path alone.
  std::string name() const;
  // name[:tag][@digest], the canonical text.
  std::string str() const;
  // str() with "docker.io/" and "docker.io/library/" removed (reference.FamiliarString).
  std::string familiar() const;
  bool name_only() const { return tag.empty() && !digest; }
};

// reference.Parse: no defaults applied; "busybox" has an empty domain.
base::Result<ImageReference> parse_reference(std::string_view text);

// reference.ParseNormalizedNamed: docker.io and library/ filled in; references that are a
// 64-hex identifier or that have no name are refused.
base::Result<ImageReference> normalize_reference(std::string_view text);

// reference.TagNameOnly: adds the default tag "latest" to a name-only reference.
ImageReference with_default_tag(ImageReference reference);
}  // namespace runtime
