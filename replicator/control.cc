#include "replicator/control.h"

#include "model/errors.h"
#include "replicator/wire.h"

namespace gtsim::replication {

void write_link_params(const LinkParams& p, wire::LinkParams::Builder out) {
  out.setKind(static_cast<wire::LatencyKind>(p.kind));
  out.setMeanUs(p.mean_us);
  out.setMinUs(p.min_us);
  out.setMaxUs(p.max_us);
  out.setStddevUs(p.stddev_us);
  out.setSigma(p.sigma);
  out.setJitterUs(p.jitter_us);
  out.setLoss(p.loss);
  out.setRetransmitTimeoutUs(p.retransmit_timeout_us);
  out.setBandwidthBytesPerS(p.bandwidth_bytes_per_s);
  out.setDuplicate(p.duplicate);
}

LinkParams read_link_params(wire::LinkParams::Reader in) {
  LinkParams p;
  uint16_t kind = static_cast<uint16_t>(in.getKind());
  if (kind > static_cast<uint16_t>(LatencyKind::kLognormal))
    throw_validation("unknown latency kind");
  p.kind = static_cast<LatencyKind>(kind);
  p.mean_us = in.getMeanUs();
  p.min_us = in.getMinUs();
  p.max_us = in.getMaxUs();
  p.stddev_us = in.getStddevUs();
  p.sigma = in.getSigma();
  p.jitter_us = in.getJitterUs();
  p.loss = in.getLoss();
  p.retransmit_timeout_us = in.getRetransmitTimeoutUs();
  p.bandwidth_bytes_per_s = in.getBandwidthBytesPerS();
  p.duplicate = in.getDuplicate();
  p.validate();
  return p;
}

void write_status(const RegionStatus& status, wire::Status::Builder out) {
  out.setRegion(status.region);
  out.setNowTrueUs(status.now_true_us);
  out.setLastLocalSeq(status.last_local_seq);
  auto links = out.initLinks(status.links.size());
  for (size_t i = 0; i < status.links.size(); ++i) {
    const LinkStatus& l = status.links[i];
    auto b = links[i];
    b.setPeer(l.peer);
    b.setConnected(l.connected);
    b.setAckedSeq(l.acked_seq);
    b.setPending(l.pending);
    b.setOutOfSync(l.out_of_sync);
    b.setPartitioned(l.partitioned);
    b.setPaused(l.paused);
    b.setQueuedMessages(l.queued_messages);
    b.setPeerLastSeq(l.peer_last_seq);
  }
  auto cursors = out.initCursors(status.cursors.size());
  size_t i = 0;
  for (const auto& [origin, seq] : status.cursors) {
    cursors[i].setOrigin(origin);
    cursors[i++].setSeq(seq);
  }
  auto digests = out.initDigests(status.digests.size());
  i = 0;
  for (const auto& [table, digest] : status.digests) {
    digests[i].setTable(table);
    digests[i++].setDigest(digest);
  }
}

RegionStatus read_status(wire::Status::Reader in) {
  RegionStatus status{
      capnp_text(in.getRegion()), in.getNowTrueUs(), in.getLastLocalSeq(), {}, {}, {}};
  for (auto l : in.getLinks()) {
    status.links.push_back(LinkStatus{capnp_text(l.getPeer()), l.getConnected(), l.getAckedSeq(),
                                      l.getPending(), l.getOutOfSync(), l.getPartitioned(),
                                      l.getPaused(), l.getQueuedMessages(), l.getPeerLastSeq()});
  }
  for (auto c : in.getCursors())
    status.cursors[capnp_text(c.getOrigin())] = c.getSeq();
  for (auto d : in.getDigests())
    status.digests[capnp_text(d.getTable())] = capnp_text(d.getDigest());
  return status;
}

bool replication_at_rest(const std::vector<RegionStatus>& statuses, bool compare_digests) {
  for (const RegionStatus& s : statuses) {
    if (compare_digests && s.digests != statuses.front().digests) return false;
    for (const LinkStatus& l : s.links) {
      if (l.pending != 0) return false;
    }
  }
  return true;
}

}  // namespace gtsim::replication
