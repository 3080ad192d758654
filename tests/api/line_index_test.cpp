// tests/api/line_index_test.cpp: path spelling, exact lookup and ancestor fallback of
// api::LineIndex.
#include "api/line_index.hpp"

#include <catch2/catch.hpp>

using api::LineIndex;

TEST_CASE("child and item build Kubernetes field paths", "[unit]") {
  CHECK(LineIndex::child("", "spec") == "spec");
  CHECK(LineIndex::child("spec", "template") == "spec.template");
  CHECK(LineIndex::child("spec.template.spec", "restart_Policy-2") ==
        "spec.template.spec.restart_Policy-2");
  CHECK(LineIndex::child("metadata.labels", "batch.kubernetes.io/job-name") ==
        "metadata.labels[batch.kubernetes.io/job-name]");
  CHECK(LineIndex::child("metadata.labels", "a b") == "metadata.labels[a b]");
  CHECK(LineIndex::child("metadata.labels", "") == "metadata.labels[]");
  CHECK(LineIndex::child("", "x.y") == "[x.y]");
  CHECK(LineIndex::item("spec.template.spec.containers", 0) == "spec.template.spec.containers[0]");
  CHECK(LineIndex::item("", 12) == "[12]");
  CHECK(LineIndex::child(LineIndex::item("c", 3), "image") == "c[3].image");
}

TEST_CASE("parent strips the last component", "[unit]") {
  CHECK(LineIndex::parent("spec.template.spec.containers[0].image") ==
        "spec.template.spec.containers[0]");
  CHECK(LineIndex::parent("spec.template.spec.containers[0]") == "spec.template.spec.containers");
  CHECK(LineIndex::parent("spec") == "");
  CHECK(LineIndex::parent("") == "");
  CHECK(LineIndex::parent("metadata.labels[batch.kubernetes.io/job-name]") == "metadata.labels");
  CHECK(LineIndex::parent("metadata.labels[a[b]]") == "metadata.labels");
  CHECK(LineIndex::parent("a[x.y].b") == "a[x.y]");
  CHECK(LineIndex::parent("[x.y]") == "");
}

TEST_CASE("find is exact, and line_of falls back to the nearest recorded ancestor", "[unit]") {
  LineIndex lines;
  lines.add("", 1);
  lines.add("spec", 5);
  lines.add("spec.template", 6);
  lines.add("spec.template.spec", 7);
  lines.add("spec.template.spec.containers[0]", 9);
  lines.add("metadata.labels[batch.kubernetes.io/job-name]", 3);

  CHECK(lines.size() == 6);
  CHECK(lines.find("spec.template") == 6);
  CHECK_FALSE(lines.find("spec.template.spec.containers").has_value());
  CHECK_FALSE(lines.find("spec.templat").has_value());

  CHECK(lines.line_of("spec.template.spec.containers") == 7);
  CHECK(lines.line_of("spec.template.spec.containers[0].image") == 9);
  CHECK(lines.line_of("spec.template.spec.containers[1].image") == 7);
  CHECK(lines.line_of("metadata.labels[batch.kubernetes.io/job-name]") == 3);
  CHECK(lines.line_of("metadata.labels[other.io/x]") == 1);
  CHECK(lines.line_of("kind") == 1);
  CHECK(lines.line_of("") == 1);

  LineIndex no_root;
  no_root.add("spec", 2);
  CHECK(no_root.line_of("spec.x.y") == 2);
  CHECK_FALSE(no_root.line_of("status.x").has_value());
  CHECK_FALSE(LineIndex().line_of("spec").has_value());
}

TEST_CASE("a bracketed plain key matches the dotted spelling", "[unit]") {
  // Kubernetes prints every map entry in brackets (metadata.labels[app]); the index stores
  // plain keys dotted because it cannot tell a map from a struct.
  LineIndex lines;
  lines.add(LineIndex::child("metadata.labels", "app"), 4);
  lines.add(LineIndex::item("spec.containers", 0), 8);
  CHECK(lines.find("metadata.labels.app") == 4);
  CHECK(lines.find("metadata.labels[app]") == 4);
  CHECK(lines.line_of("metadata.labels[app].x") == 4);
  CHECK(lines.find("spec.containers[0]") == 8);
  CHECK_FALSE(lines.find("spec.containers.0").has_value());
}

TEST_CASE("add replaces the line of an existing path", "[unit]") {
  LineIndex lines;
  lines.add("a", 1);
  lines.add("a", 2);
  CHECK(lines.find("a") == 2);
  CHECK(lines.size() == 1);
}
