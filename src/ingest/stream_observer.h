// What ingest tells the rest of the server about a publish: PublishListener is asked once per
// accepted publish and may return a StreamObserver that then gets every media packet and the end.
// Observers are called on the connection's I/O thread: they must not block.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ingest/stream_identity.h"
#include "media/media_packet.h"

namespace liverec::ingest {

class Revocation;  // stream_registry.h

struct PublishInfo {
  StreamIdentity identity;
  std::string account_id;  // the owner of the domain (the default account for undeclared ones)
  std::string peer;        // "ip:port" of the publisher
  // Turns revoked when the publish is ended from outside (in a cluster: another node took its
  // publish lease over); null where the registry gives none.
  std::shared_ptr<const Revocation> revocation;
};

class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  // A packet, with the track configurations in force for it.
  virtual void OnMedia(const media::MediaPacket& packet,
                       const std::optional<media::CodecConfig>& video,
                       const std::optional<media::CodecConfig>& audio) = 0;
  // The publisher left (unpublish, disconnect, error). Called once; no media after it.
  virtual void OnEnd() = 0;
};

class PublishListener {
 public:
  virtual ~PublishListener() = default;
  virtual std::unique_ptr<StreamObserver> OnPublish(const PublishInfo& info) = 0;
};

}  // namespace liverec::ingest
