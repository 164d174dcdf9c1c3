// The system's zlib (Debian's zlib1g-dev): deflate and crc32 for the xlsx workbook's ZIP
// container (Sources/Workbook). Its own module name, so that it never meets ZIPFoundation's
// `CZlib` in one build.
#include <zlib.h>
