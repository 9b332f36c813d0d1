// OpenBLAS's CBLAS interface and its thread controls. Debian: libopenblas-dev.
#if !__has_include(<cblas.h>)
#error "cblas.h not found: install the Debian package libopenblas-dev (sudo apt-get install libopenblas-dev)"
#endif
#include <cblas.h>
