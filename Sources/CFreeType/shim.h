// FreeType 2 for anti-aliased text in plots. Debian: libfreetype-dev (headers under /usr/include/freetype2).
#if !__has_include(<ft2build.h>)
#error "ft2build.h not found: install the Debian package libfreetype-dev (sudo apt-get install libfreetype-dev)"
#endif
#include <ft2build.h>
#include FT_FREETYPE_H
