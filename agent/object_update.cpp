#include "agent/object_update.hpp"

namespace agent {

base::Result<std::optional<UpdatedObject>> update_object(
    Store& store, const ObjectKey& key, const std::optional<std::string>& uid,
    const std::function<Mutation(nlohmann::ordered_json&)>& mutate,
    const std::optional<std::string>& side_record) {
  api::UpdateWrite write;
  if (side_record) {
    write = [&](const ObjectKey& k, const Preconditions& p, const Render& render) {
      return store.update_with_side_record(k, p, render, *side_record);
    };
  }
  return api::update_object(store, key, uid, mutate, write);
}

}  // namespace agent
