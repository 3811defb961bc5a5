// Node-API binding: exposes the packed matrix products to JavaScript.
//
//   gemm(c, a, b, m, n, k, form, alpha, accumulate)
//     c: Float64Array m×n (written), a, b: Float64Array inputs,
//     form 0: c (+)= alpha·a·b    (a m×k, b k×n)
//     form 1: c (+)= alpha·aᵀ·b   (a k×m, b k×n)
//     form 2: c (+)= alpha·a·bᵀ   (a m×k, b n×k)
//
// Exports `isa` (the kernel set `gemm` uses), `gemm`, and `variants`: one
// gemm per instruction set this CPU supports, so tests can compare them.
// The module is context-aware and keeps no mutable global state.
#include <node_api.h>

#include <cstddef>
#include <cstdint>

#include "gemm.h"

namespace {

using sharpsweep::Gemm;
using sharpsweep::Isa;

napi_value Fail(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

// The data of a typed array and how many doubles it holds. The element type
// is not checked: asking Node-API for it walks every typed-array kind and
// costs more than a small product. Callers pass Float64Arrays; for those the
// count is the view's length. Anything else gives wrong numbers, but the
// count is also capped by the bytes left in the ArrayBuffer, so no access
// ever falls outside the array's memory.
bool Doubles(napi_env env, napi_value v, double** data, std::size_t* count) {
  void* raw = nullptr;
  napi_value buffer;
  std::size_t length = 0, offset = 0, bytes = 0;
  if (napi_get_typedarray_info(env, v, nullptr, &length, &raw, &buffer,
                               &offset) != napi_ok ||
      napi_get_arraybuffer_info(env, buffer, nullptr, &bytes) != napi_ok ||
      offset % sizeof(double) != 0 || offset > bytes) {
    return false;
  }
  const std::size_t room = (bytes - offset) / sizeof(double);
  *data = static_cast<double*>(raw);
  *count = length < room ? length : room;
  return true;
}

napi_value GemmCall(napi_env env, napi_callback_info info) {
  std::size_t argc = 9;
  napi_value argv[9];
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) {
    return nullptr;
  }
  if (argc < 9) return Fail(env, "gemm expects 9 arguments");
  const Isa isa = static_cast<Isa>(reinterpret_cast<std::intptr_t>(data));

  double *c, *a, *b;
  std::size_t lc, la, lb;
  if (!Doubles(env, argv[0], &c, &lc) || !Doubles(env, argv[1], &a, &la) ||
      !Doubles(env, argv[2], &b, &lb)) {
    return Fail(env, "gemm: c, a and b must be Float64Arrays");
  }
  int32_t m, n, k, form;
  double alpha;
  bool acc;
  if (napi_get_value_int32(env, argv[3], &m) != napi_ok ||
      napi_get_value_int32(env, argv[4], &n) != napi_ok ||
      napi_get_value_int32(env, argv[5], &k) != napi_ok ||
      napi_get_value_int32(env, argv[6], &form) != napi_ok ||
      napi_get_value_double(env, argv[7], &alpha) != napi_ok ||
      napi_get_value_bool(env, argv[8], &acc) != napi_ok) {
    return Fail(env, "gemm: bad shape, form, alpha or accumulate argument");
  }
  if (m < 0 || n < 0 || k < 0 || form < 0 || form > 2) {
    return Fail(env, "gemm: negative size or unknown form");
  }
  const std::size_t mm = m, nn = n, kk = k;
  if (lc < mm * nn || la < mm * kk || lb < kk * nn) {
    return Fail(env, "gemm: array shorter than its shape");
  }

  Gemm g;
  g.c = c;
  g.a = a;
  g.b = b;
  g.m = m;
  g.n = n;
  g.k = k;
  g.alpha = alpha;
  g.accumulate = acc;
  if (form == 1) {  // a is k×m
    g.rsa = 1;
    g.csa = m;
  } else {  // a is m×k
    g.rsa = k;
    g.csa = 1;
  }
  if (form == 2) {  // b is n×k
    g.rsb = 1;
    g.csb = k;
  } else {  // b is k×n
    g.rsb = n;
    g.csb = 1;
  }
  sharpsweep::RunGemm(isa, g);
  return nullptr;
}

napi_value MakeGemm(napi_env env, Isa isa) {
  napi_value fn;
  napi_create_function(
      env, "gemm", NAPI_AUTO_LENGTH, GemmCall,
      reinterpret_cast<void*>(static_cast<std::intptr_t>(isa)), &fn);
  return fn;
}

}  // namespace

NAPI_MODULE_INIT() {
  const Isa best = sharpsweep::BestIsa();
  napi_value isa, variants;
  napi_create_string_utf8(env, sharpsweep::IsaName(best), NAPI_AUTO_LENGTH,
                          &isa);
  napi_set_named_property(env, exports, "isa", isa);
  napi_set_named_property(env, exports, "gemm", MakeGemm(env, best));
  napi_create_object(env, &variants);
  const Isa all[] = {Isa::kScalar, Isa::kAvx2, Isa::kAvx512};
  for (Isa v : all) {
    if (sharpsweep::IsaSupported(v)) {
      napi_set_named_property(env, variants, sharpsweep::IsaName(v),
                              MakeGemm(env, v));
    }
  }
  napi_set_named_property(env, exports, "variants", variants);
  return exports;
}
