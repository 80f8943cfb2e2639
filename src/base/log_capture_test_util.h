// LogCapture (tests only): while it lives, spdlog's default logger keeps the message text of
// every line in memory instead of writing it out, so a test can check what an operator would
// read. The previous default logger comes back when it is destroyed. Thread-safety: lines may
// be logged from any thread while Lines() is called. One LogCapture at a time.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace liverec {

class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<Sink>()), previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // The captured lines that contain `text`, oldest first.
  std::vector<std::string> Lines(const std::string& text) const { return sink_->Lines(text); }

 private:
  class Sink final : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::vector<std::string> Lines(const std::string& text) {
      std::lock_guard lock(mutex_);
      std::vector<std::string> out;
      for (const auto& line : lines_) {
        if (line.find(text) != std::string::npos) out.push_back(line);
      }
      return out;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      lines_.emplace_back(msg.payload.data(), msg.payload.size());
    }
    void flush_() override {}

   private:
    std::vector<std::string> lines_;
  };

  std::shared_ptr<Sink> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace liverec
