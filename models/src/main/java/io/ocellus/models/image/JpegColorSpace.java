package io.ocellus.models.image;

/** What a JPEG's decoded components hold, as libjpeg infers it from the markers. */
enum JpegColorSpace {
    GRAY,
    YCBCR,
    RGB,
    CMYK,
    YCCK,
    /** Two or more than four components: no colour model this decoder knows. */
    UNKNOWN
}
