// Internal to src/pdf: the seal's picture as PDF image XObjects and the
// widget's appearance stream that draws it (ISO 32000-1 sections 8.9 and
// 12.5.5).
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "pdf/update_writer.h"

namespace sealkey::pdf::internal {

struct SealImage {
  int width = 0, height = 0;
  std::string color_space;  // "/DeviceRGB" or "/DeviceGray"
  std::string filter;       // "/FlateDecode" (from PNG) or "/DCTDecode" (JPEG as is)
  Bytes data;               // the encoded samples
  Bytes alpha;              // Flate-encoded 8-bit soft mask; empty when opaque
};

// Decodes a PNG (any colour type or depth; alpha becomes the soft mask,
// section 11.6.5.3) or takes a JPEG as it is (1 or 3 components).
// kInvalidArgument for anything else, or more than 4096 pixels a side.
Result<SealImage> LoadSealImage(ByteView image);

// The objects of the normal appearance of a width x height widget: a form
// XObject (number `form_num`) that draws `image` scaled to fit, keeping its
// aspect ratio, centred; the image as `image_num` and its soft mask as
// `smask_num` (unused when opaque). With `image` null the form is empty (an
// invisible signature).
Result<std::vector<NewObject>> AppearanceObjects(const SealImage* image, double width,
                                                 double height, int form_num, int image_num,
                                                 int smask_num);

}  // namespace sealkey::pdf::internal
