#ifndef TTSARCHIVE_CCURL_SHIM_H
#define TTSARCHIVE_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are C variadic functions, which
// Swift cannot call. One typed wrapper per argument kind keeps the call sites type-checked.

static inline CURLcode CCurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode CCurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode CCurl_easy_setopt_write_callback(CURL *handle, CCurl_data_callback cb) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, cb);
}
static inline CURLcode CCurl_easy_setopt_header_callback(CURL *handle, CCurl_data_callback cb) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, cb);
}
static inline CURLcode CCurl_easy_setopt_read_callback(CURL *handle, CCurl_data_callback cb) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, cb);
}

// CURL_READFUNC_ABORT is a macro of an expression Swift does not import.
static inline size_t CCurl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }

static inline CURLcode CCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode CCurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode CCurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode CCurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

// CURLMsg.data is a union; Swift imports it, but reading `result` through it is clearer here.
static inline CURLcode CCurl_msg_result(CURLMsg *msg) { return msg->data.result; }

// CURL_WRITEFUNC_PAUSE is a macro of an expression Swift does not import.
static inline size_t CCurl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }

#endif
