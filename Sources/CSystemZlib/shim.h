// The system's zlib (Debian: zlib1g-dev), for ZipReading's inflate and CRC-32.
#include <zlib.h>
