// CBC's C interface (Debian's coinor-libcbc-dev; pkg-config cbc puts /usr/include/coin on the
// include path). Plain C: Cbc_Model is a void pointer, no C++ and no ICU header comes with it.
#include "Cbc_C_Interface.h"
