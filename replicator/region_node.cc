#include "replicator/region_node.h"

#include "replicator/api_calls.h"

namespace gtsim::replication {

RegionNode::RegionNode(const RegionNodeOptions& options, int64_t now_us)
    : region_(
          Region::open(options.db_path, options.name, options.clock, now_us, options.file_mode)),
      replicator_(*region_, options.replication) {
  for (const auto& [peer, link] : options.peers)
    replicator_.add_peer(peer, link);
}

nlohmann::json RegionNode::call(const std::string& operation, const nlohmann::json& request,
                                int64_t now_us, Effects& effects) {
  nlohmann::json result = execute_api_call(*region_, operation, request, now_us);
  effects = replicator_.tick(now_us);
  return result;
}

void RegionNode::drop_replicas() {
  for (const TableSpec& table : region_->tables())
    region_->delete_table(table.name);
}

RegionStatus RegionNode::status_without_digests(int64_t now_us) {
  return RegionStatus{region_->name(),
                      now_us,
                      region_->last_local_seq(),
                      replicator_.status(),
                      region_->applied_cursors(),
                      {}};
}

RegionStatus RegionNode::status(int64_t now_us) {
  RegionStatus s = status_without_digests(now_us);
  for (const TableSpec& table : region_->tables())
    s.digests[table.name] = region_->table_digest(table.name);
  return s;
}

}  // namespace gtsim::replication
