// libpng. Debian: libpng-dev. The shim owns libpng's setjmp/longjmp error path, which Swift cannot express.
#if !__has_include(<png.h>)
#error "png.h not found: install the Debian package libpng-dev (sudo apt-get install libpng-dev)"
#endif
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
