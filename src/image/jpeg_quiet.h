// libjpeg error handling that never prints: an error longjmps to
// `errors.jump` (the caller does `if (setjmp(errors.jump) != 0)` in its own
// frame, which must hold no C++ object with a destructor), and warnings - a
// truncated or corrupt stream decodes with warnings - are counted so the
// caller can refuse the image. Shared by the decoders that drive libjpeg
// themselves (sealkey::image both ways, and OCR's scaled, Exif-aware one).
#pragma once

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>

namespace sealkey::image {

struct QuietJpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  int warnings = 0;
};

namespace detail {
[[noreturn]] inline void JpegErrorExit(j_common_ptr c) {
  std::longjmp(reinterpret_cast<QuietJpegErrors*>(c->err)->jump, 1);
}
inline void JpegEmitMessage(j_common_ptr c, int level) {
  if (level < 0) ++reinterpret_cast<QuietJpegErrors*>(c->err)->warnings;
}
inline void JpegOutputMessage(j_common_ptr) {}
}  // namespace detail

// Points `cinfo` (a decompressor or a compressor) at `errors` with the
// quiet handlers.
template <typename JpegStruct>
void UseQuietErrors(JpegStruct& cinfo, QuietJpegErrors& errors) {
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = detail::JpegErrorExit;
  errors.mgr.emit_message = detail::JpegEmitMessage;
  errors.mgr.output_message = detail::JpegOutputMessage;
}

}  // namespace sealkey::image
