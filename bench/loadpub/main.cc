// liverec-loadpub: a light RTMP load generator for benchmarks (docs/benchmarks.md, "Recording").
// One process, one thread: N publishers to rtmp://HOST:PORT/APP/PREFIX{i}, each sending the
// same FLV (read once into memory) at wall-clock pace, looped with increasing timestamps,
// starts staggered. At exit (SIGINT/SIGTERM or --duration) it unpublishes every stream and
// prints a JSON summary: bytes and frames per stream, errors, and its own CPU.
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "load_driver.h"

int main(int argc, char** argv) {
  liverec::loadpub::LoadOptions options;
  CLI::App app{"liverec-loadpub: N paced RTMP publishers of one FLV file"};
  app.add_option("url", options.url,
                 "rtmp://IP:port/app/stream{i}[?query]; {i} is the stream index (appended to "
                 "the stream name when absent)")
      ->required();
  app.add_option("--input,-i", options.input, "FLV file")->required()->check(CLI::ExistingFile);
  app.add_option("--streams,-n", options.streams, "number of publishers")
      ->check(CLI::Range(1, 100000));
  app.add_option("--first-index", options.first_index, "index of the first stream");
  app.add_option("--tick-ms", options.tick_ms, "send period for all streams (ms)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--stagger-ms", options.stagger_ms, "delay between two connection starts")
      ->check(CLI::Range(0, 60000));
  app.add_option("--duration", options.duration_s, "seconds to run (0: until SIGINT/SIGTERM)");
  app.add_option("--grace-ms", options.grace_ms, "at exit, time allowed for unpublishing");
  app.add_option("--chunk-size", options.chunk_size, "outgoing RTMP chunk size")
      ->check(CLI::Range(128, 65536));
  app.add_flag("--plain-handshake", options.plain_handshake, "plain RTMP handshake");
  std::string json_path;
  app.add_option("--json", json_path, "write the summary here instead of stdout");
  bool no_per_stream = false;
  app.add_flag("--no-per-stream", no_per_stream, "totals only in the summary");
  CLI11_PARSE(app, argc, argv);
  options.per_stream = !no_per_stream;

  auto summary = liverec::loadpub::RunLoad(options);
  if (!summary) {
    std::cerr << "liverec-loadpub: " << summary.error().ToString() << "\n";
    return 1;
  }
  std::string text = summary->dump(1);
  if (json_path.empty()) {
    std::cout << text << "\n";
  } else {
    std::ofstream(json_path) << text << "\n";
  }
  return (*summary)["failed"].get<int>() == 0 ? 0 : 3;
}
