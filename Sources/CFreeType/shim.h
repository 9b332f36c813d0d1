// FreeType 2 for anti-aliased text in plots. Debian: libfreetype-dev (headers under /usr/include/freetype2).
#if !__has_include(<ft2build.h>)
#error "ft2build.h not found: install the Debian package libfreetype-dev (sudo apt-get install libfreetype-dev)"
#endif
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdint.h>

// Function-like macros and flag combinations Swift cannot import directly.
static inline int32_t micse_ft_load_render(void) { return (int32_t)(FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT); }
static inline int32_t micse_ft_load_color(void) { return (int32_t)(FT_LOAD_COLOR | FT_LOAD_RENDER); }
static inline int micse_ft_has_color(FT_Face face) { return FT_HAS_COLOR(face) ? 1 : 0; }
static inline int micse_ft_is_scalable(FT_Face face) { return FT_IS_SCALABLE(face) ? 1 : 0; }
static inline int micse_ft_has_fixed_sizes(FT_Face face) { return FT_HAS_FIXED_SIZES(face) ? 1 : 0; }
static inline int micse_ft_pixel_mode_gray(void) { return FT_PIXEL_MODE_GRAY; }
static inline int micse_ft_pixel_mode_bgra(void) { return FT_PIXEL_MODE_BGRA; }
static inline int micse_ft_pixel_mode_mono(void) { return FT_PIXEL_MODE_MONO; }
