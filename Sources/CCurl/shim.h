// Typed wrappers for libcurl's variadic calls, which Swift cannot call directly.
#ifndef MARGIN_CCURL_SHIM_H
#define MARGIN_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*margin_curl_data_callback)(char *, size_t, size_t, void *);

static inline CURLcode margin_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode margin_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode margin_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode margin_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode margin_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode margin_curl_setopt_callback(CURL *handle, CURLoption option, margin_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

typedef int (*margin_curl_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

static inline CURLcode margin_curl_setopt_xferinfo(CURL *handle, margin_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode margin_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
