// libpng. Debian: libpng-dev. The shim owns libpng's setjmp/longjmp error path, which Swift cannot express.
#if !__has_include(<png.h>)
#error "png.h not found: install the Debian package libpng-dev (sudo apt-get install libpng-dev)"
#endif
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdint.h>

// ---------------------------------------------------------------------------------------------
// Encoding through libpng's classic API. libpng reports errors by longjmp to png_jmpbuf(png);
// Swift cannot set a jump target, so the whole write happens inside this C function and errors
// come back as a return code plus a message. Output goes to a growing malloc'd buffer that the
// caller frees with micse_png_buffer_free.
// ---------------------------------------------------------------------------------------------

typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;          // set when realloc fails
} micse_png_buffer;

typedef struct {
    char message[256];
} micse_png_error_text;

static inline void micse_png_write_bytes(png_structp png, png_bytep bytes, png_size_t length) {
    micse_png_buffer *buffer = (micse_png_buffer *)png_get_io_ptr(png);
    if (buffer->failed) return;
    if (buffer->size + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity < buffer->size + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(buffer->data, capacity);
        if (!grown) { buffer->failed = 1; png_error(png, "out of memory while encoding PNG"); }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, bytes, length);
    buffer->size += length;
}

static inline void micse_png_flush(png_structp png) { (void)png; }

static inline void micse_png_on_error(png_structp png, png_const_charp message) {
    micse_png_error_text *text = (micse_png_error_text *)png_get_error_ptr(png);
    if (text) { strncpy(text->message, message ? message : "unknown libpng error", sizeof(text->message) - 1); }
    png_longjmp(png, 1);
}

static inline void micse_png_on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

/// Encodes 8-bit rows (channels 3 = RGB, 4 = RGBA) into `out`. `filters` is a PNG_FILTER_* mask
/// (0 = libpng's default adaptive choice), `level` the zlib level 0-9, `pixels_per_metre` > 0 writes pHYs.
/// Returns 0 on success; otherwise 1 and a message in `error`.
static inline int micse_png_encode(const unsigned char *pixels, int width, int height, int channels,
                                   size_t row_stride, int level, int filters, int strategy,
                                   unsigned int pixels_per_metre,
                                   micse_png_buffer *out, micse_png_error_text *error) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, error, micse_png_on_error, micse_png_on_warning);
    if (!png) { strncpy(error->message, "png_create_write_struct failed", sizeof(error->message) - 1); return 1; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        strncpy(error->message, "png_create_info_struct failed", sizeof(error->message) - 1);
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return 1;
    }
    png_set_write_fn(png, out, micse_png_write_bytes, micse_png_flush);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_compression_mem_level(png, 8);
    if (filters != 0) png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 channels == 4 ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    if (pixels_per_metre > 0) png_set_pHYs(png, info, pixels_per_metre, pixels_per_metre, PNG_RESOLUTION_METER);
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * row_stride));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

static inline void micse_png_buffer_free(micse_png_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = buffer->capacity = 0;
}

static inline int micse_png_filter_none(void) { return PNG_FILTER_NONE; }
static inline int micse_png_filter_sub(void) { return PNG_FILTER_SUB; }
static inline int micse_png_filter_up(void) { return PNG_FILTER_UP; }
static inline int micse_png_filter_paeth(void) { return PNG_FILTER_PAETH; }
static inline int micse_png_filter_all(void) { return PNG_ALL_FILTERS; }

/// Decodes a PNG held in memory to 8-bit RGBA through libpng's simplified API (which handles its
/// own error path). `*pixels` is malloc'd (free with `free`). Returns 0 on success.
static inline int micse_png_decode_rgba(const unsigned char *bytes, size_t length,
                                        unsigned char **pixels, int *width, int *height,
                                        micse_png_error_text *error) {
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes, length)) {
        strncpy(error->message, image.message, sizeof(error->message) - 1);
        return 1;
    }
    image.format = PNG_FORMAT_RGBA;
    size_t size = PNG_IMAGE_SIZE(image);
    unsigned char *buffer = (unsigned char *)malloc(size);
    if (!buffer) { png_image_free(&image); strncpy(error->message, "out of memory", sizeof(error->message) - 1); return 1; }
    if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) {
        strncpy(error->message, image.message, sizeof(error->message) - 1);
        free(buffer);
        png_image_free(&image);
        return 1;
    }
    *pixels = buffer;
    *width = (int)image.width;
    *height = (int)image.height;
    return 0;
}
