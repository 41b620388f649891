// zlib's raw inflate, for the deflated entries of zip exports (Omnivore's).
#include <zlib.h>
