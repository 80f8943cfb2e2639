// liverec-publish: publishes an FLV file, or an MP4/MKV/... with H.264 or HEVC video and AAC
// audio, to an RTMP server with liverec's own RTMP client (media/rtmp), or writes the FLV tags
// it would send to a file. A test peer for liverec's ingest.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  using liverec::publish::HevcMode;
  liverec::publish::PublishCommandOptions options;
  CLI::App app{"liverec-publish: publish a media file over RTMP"};
  app.add_option("url", options.url, "rtmp://host[:port]/app/stream[?query]");
  app.add_option("--input,-i", options.input, "FLV file (sent as is) or any file libavformat reads")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--output-flv", options.output_flv, "write the FLV tags to this file instead");
  std::string hevc_mode = "enhanced";
  app.add_option("--hevc-mode", hevc_mode, "HEVC in FLV: enhanced (FourCC hvc1) or codec12")
      ->check(CLI::IsMember({"enhanced", "codec12"}));
  app.add_flag("--realtime", options.realtime, "send at the pace of the timestamps");
  app.add_option("--loop", options.loops, "play the input this many times")
      ->check(CLI::PositiveNumber);
  app.add_flag("--plain-handshake", options.plain_handshake,
               "use the plain RTMP handshake instead of the digest one");
  app.add_option("--chunk-size", options.chunk_size, "outgoing RTMP chunk size")
      ->check(CLI::Range(1, 65536));
  CLI11_PARSE(app, argc, argv);

  options.hevc_mode = hevc_mode == "codec12" ? HevcMode::kCodec12 : HevcMode::kEnhanced;
  if (!options.output_flv.empty()) return liverec::publish::RunWriteFlv(options);
  if (options.url.empty()) {
    std::cerr << "liverec-publish: give an rtmp:// URL or --output-flv\n";
    return 2;
  }
  return liverec::publish::RunPublish(options);
}
