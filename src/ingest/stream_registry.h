// StreamRegistry: which streams are live on this node, and what DescribeLiveStreamsOnlineList
// shows of each (docs/api/streams.md): who publishes it, since when, its codecs, size, frame rate
// and data rates. A second publisher of a live stream is refused. In a cluster (SetClaims) the
// refusal holds cluster-wide: a publish also takes the stream's "publish" lease, refused while
// another live node holds it (docs/cluster.md "Stream ownership"); that is one short database
// transaction on the publish's I/O thread, like the recorder's reading of the stream's config.
// An observer (cluster mode: the cluster-wide directory of live streams) is told of every change.
// A live publish can be ended from outside its connection (Revoke: in a cluster, another node
// took the stream's publish lease over while this one was paused or cut off); its connection
// checks its Revocation at every read (one atomic load) and then ends the publish and closes.
// Thread-safety: any thread; one mutex. A publish's I/O thread takes it when the publish starts
// and ends, and about once a second to store fresh measurements (StreamMeter); the API takes it to
// list. The observer is called with the mutex held (so it sees one stream's changes in order):
// it must not block nor call the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "cluster/stream_leases.h"
#include "media/media_packet.h"

namespace liverec::ingest {

// Measured by the publish's StreamMeter over its last window (about a second).
struct StreamStats {
  media::CodecId video_codec = media::CodecId::kUnknown;  // kUnknown: no video (yet)
  media::CodecId audio_codec = media::CodecId::kUnknown;
  int width = 0;  // from the video sequence header
  int height = 0;
  int frame_rate = 0;  // video frames per second
  int video_kbps = 0;  // kbit/s of video tag payloads (1 kbit = 1000 bits)
  int audio_kbps = 0;
};

struct LiveStream {
  std::string account_id;
  std::string domain;  // streaming domain
  std::string app;
  std::string stream;
  std::string ingest_domain;  // the domain the publisher named, before aliases
  std::string client_ip;      // the publisher's address, without the port
  std::string server_ip;      // this node's ingest address ("" when it listens on every address)
  int64_t publish_time_ms = 0;
  StreamStats stats;
  std::string Key() const { return domain + "/" + app + "/" + stream; }
};

class StreamRegistryObserver {
 public:
  virtual ~StreamRegistryObserver() = default;
  virtual void Live(const LiveStream& stream) = 0;      // a publish was accepted
  virtual void Measured(const LiveStream& stream) = 0;  // its stats were refreshed
  virtual void Gone(const LiveStream& stream) = 0;      // the publisher left
};

// Set once by StreamRegistry::Revoke; read by the publish's connection (any thread).
class Revocation {
 public:
  bool revoked() const { return revoked_.load(std::memory_order_acquire); }
  // Why; valid once revoked() is true.
  const Status& why() const { return why_; }

 private:
  friend class StreamRegistry;
  std::atomic<bool> revoked_{false};
  Status why_;  // written before revoked_ turns true, never after
};

class StreamRegistry {
 public:
  // In a cluster: the node's "publish" leases, named by LiveStream::Key(). Set before any
  // publish (not synchronized).
  void SetClaims(cluster::StreamLeases* claims) { claims_ = claims; }
  // Null: none.
  void SetObserver(StreamRegistryObserver* observer) {
    std::lock_guard lock(mutex_);
    observer_ = observer;
  }

  // True if `stream` was not live and now is. False: `refusal` (when given) says why.
  bool TryAcquire(const LiveStream& stream, std::string* refusal = nullptr);
  void Release(const std::string& key);
  // The Revocation of the live publish of `key` (null when it is not live): a publish's
  // connection takes it right after TryAcquire.
  std::shared_ptr<const Revocation> RevocationOf(const std::string& key) const;
  // Ends the live publish of `key` from outside: its connection ends it (as a leave) and closes
  // at its next read. False when `key` is not live or was revoked already.
  bool Revoke(const std::string& key, const Status& why);
  // Stores the latest measurements of a live stream (ignored when it is not live).
  void UpdateStats(const std::string& key, const StreamStats& stats);
  bool IsLive(const std::string& key) const;
  std::vector<std::string> LiveKeys() const;
  // How many streams are live (liverec_streams_live).
  size_t LiveCount() const;
  // The live streams of `account_id` on the streaming domain `domain`, by app, then stream name.
  std::vector<LiveStream> List(const std::string& account_id, const std::string& domain) const;

 private:
  cluster::StreamLeases* claims_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::string, LiveStream> live_;                          // by Key()
  std::map<std::string, std::shared_ptr<Revocation>> revocations_;  // by Key(), one per live_
  std::map<std::string, metadata::Fence> claimed_;                  // by Key(), in a cluster
  StreamRegistryObserver* observer_ = nullptr;
};

}  // namespace liverec::ingest
