#include "recorder/metered_recording.h"

namespace liverec::recorder {

MeteredRecording::~MeteredRecording() {
  if (!ended_) meter_.End(id_);
}

void MeteredRecording::OnEnd() {
  if (ended_) return;
  ended_ = true;
  inner_->OnEnd();
  meter_.End(id_);
}

}  // namespace liverec::recorder
