// LAPACK's C interface (symmetric eigensolvers for the UMAP spectral initialisation). Debian: liblapacke-dev.
#if !__has_include(<lapacke.h>)
#error "lapacke.h not found: install the Debian package liblapacke-dev (sudo apt-get install liblapacke-dev)"
#endif
#include <lapacke.h>
