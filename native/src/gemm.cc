// Packed, register-tiled matrix products (the layout of the classic
// Goto/BLIS design): B is packed into column panels NR wide and A into row
// panels MR tall, so the micro-kernel streams both contiguously and keeps
// an MR×NR tile of c in registers. Each instruction-set variant is compiled
// with a function-level target attribute, so the file builds without
// -march flags and the variant is chosen at run time.
//
// No global mutable state: packing buffers are thread-local, so the addon
// is safe in worker threads.
#include "gemm.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>

namespace sharpsweep {
namespace {

using std::ptrdiff_t;

// Cache blocking: a kc×NR panel of packed B (≤ 16 KiB) stays in L1 while
// the MR-row panels of packed A (≤ kc·MC doubles) come from L2.
constexpr ptrdiff_t kKc = 128;
constexpr ptrdiff_t kMc = 192;
constexpr ptrdiff_t kNc = 1024;

struct Buffer {
  double* data = nullptr;
  std::size_t size = 0;
  ~Buffer() { std::free(data); }
  double* Ensure(std::size_t n) {
    if (n > size) {
      std::free(data);
      std::size_t bytes = ((n * sizeof(double) + 63) / 64) * 64;
      data = static_cast<double*>(std::aligned_alloc(64, bytes));
      if (data == nullptr) std::abort();
      size = n;
    }
    return data;
  }
};

thread_local Buffer tls_a;
thread_local Buffer tls_b;

// Copies a rows×kc block whose rows are contiguous (row r at src + r·ld)
// into dst transposed: dst[p·ldd + r] = src[r·ld + p].
using Transposer = void (*)(const double* src, ptrdiff_t ld, ptrdiff_t rows,
                            ptrdiff_t kc, double* dst, ptrdiff_t ldd);

void TransposeScalar(const double* src, ptrdiff_t ld, ptrdiff_t rows,
                     ptrdiff_t kc, double* dst, ptrdiff_t ldd) {
  // One output row at a time from `rows` sequential input streams, so the
  // packed panel is written in order.
  for (ptrdiff_t p = 0; p < kc; p++) {
    double* d = dst + p * ldd;
    for (ptrdiff_t r = 0; r < rows; r++) d[r] = src[r * ld + p];
  }
}

// 8×8 blocks transposed in registers (unpack within 128-bit lanes, then two
// rounds of lane shuffles); a last group of fewer than 8 rows is padded
// with zero rows and stored under a mask.
__attribute__((target("avx512f"))) void TransposeAvx512(
    const double* src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t kc,
    double* dst, ptrdiff_t ldd) {
  for (ptrdiff_t r0 = 0; r0 < rows; r0 += 8) {
    const ptrdiff_t cnt = rows - r0 < 8 ? rows - r0 : 8;
    const __mmask8 mask = cnt == 8 ? __mmask8(0xff) : __mmask8((1u << cnt) - 1u);
    const double* s = src + r0 * ld;
    ptrdiff_t p = 0;
    for (; p + 8 <= kc; p += 8) {
      __m512d x[8];
#pragma GCC unroll 8
      for (int i = 0; i < 8; i++) {
        x[i] = i < cnt ? _mm512_loadu_pd(s + i * ld + p) : _mm512_setzero_pd();
      }
      const __m512d t0 = _mm512_unpacklo_pd(x[0], x[1]);
      const __m512d t1 = _mm512_unpackhi_pd(x[0], x[1]);
      const __m512d t2 = _mm512_unpacklo_pd(x[2], x[3]);
      const __m512d t3 = _mm512_unpackhi_pd(x[2], x[3]);
      const __m512d t4 = _mm512_unpacklo_pd(x[4], x[5]);
      const __m512d t5 = _mm512_unpackhi_pd(x[4], x[5]);
      const __m512d t6 = _mm512_unpacklo_pd(x[6], x[7]);
      const __m512d t7 = _mm512_unpackhi_pd(x[6], x[7]);
      const __m512d u0 = _mm512_shuffle_f64x2(t0, t2, 0x88);
      const __m512d u1 = _mm512_shuffle_f64x2(t0, t2, 0xdd);
      const __m512d u2 = _mm512_shuffle_f64x2(t1, t3, 0x88);
      const __m512d u3 = _mm512_shuffle_f64x2(t1, t3, 0xdd);
      const __m512d u4 = _mm512_shuffle_f64x2(t4, t6, 0x88);
      const __m512d u5 = _mm512_shuffle_f64x2(t4, t6, 0xdd);
      const __m512d u6 = _mm512_shuffle_f64x2(t5, t7, 0x88);
      const __m512d u7 = _mm512_shuffle_f64x2(t5, t7, 0xdd);
      double* d = dst + p * ldd + r0;
      _mm512_mask_storeu_pd(d + 0 * ldd, mask, _mm512_shuffle_f64x2(u0, u4, 0x88));
      _mm512_mask_storeu_pd(d + 1 * ldd, mask, _mm512_shuffle_f64x2(u2, u6, 0x88));
      _mm512_mask_storeu_pd(d + 2 * ldd, mask, _mm512_shuffle_f64x2(u1, u5, 0x88));
      _mm512_mask_storeu_pd(d + 3 * ldd, mask, _mm512_shuffle_f64x2(u3, u7, 0x88));
      _mm512_mask_storeu_pd(d + 4 * ldd, mask, _mm512_shuffle_f64x2(u0, u4, 0xdd));
      _mm512_mask_storeu_pd(d + 5 * ldd, mask, _mm512_shuffle_f64x2(u2, u6, 0xdd));
      _mm512_mask_storeu_pd(d + 6 * ldd, mask, _mm512_shuffle_f64x2(u1, u5, 0xdd));
      _mm512_mask_storeu_pd(d + 7 * ldd, mask, _mm512_shuffle_f64x2(u3, u7, 0xdd));
    }
    for (; p < kc; p++) {
      for (ptrdiff_t i = 0; i < cnt; i++) dst[p * ldd + r0 + i] = s[i * ld + p];
    }
  }
}

// Packs rows [i0, i0+mc) × cols [p0, p0+kc) of op(a) into panels of `mr`
// rows: panel q holds op(a)(i0+q·mr+r, p0+p) at q·mr·kc + p·rows + r,
// where rows = min(mr, remaining) (the last panel is compact, not padded).
void PackA(const Gemm& g, ptrdiff_t i0, ptrdiff_t mc, ptrdiff_t p0,
           ptrdiff_t kc, ptrdiff_t mr, Transposer transpose, double* out) {
  for (ptrdiff_t q = 0; q < mc; q += mr) {
    const ptrdiff_t rows = mc - q < mr ? mc - q : mr;
    double* dst = out + q * kc;
    const double* src = g.a + (i0 + q) * g.rsa + p0 * g.csa;
    if (g.csa == 1) {
      transpose(src, g.rsa, rows, kc, dst, rows);
    } else {
      for (ptrdiff_t p = 0; p < kc; p++) {
        const double* s = src + p * g.csa;
        double* d = dst + p * rows;
        for (ptrdiff_t r = 0; r < rows; r++) d[r] = s[r * g.rsa];
      }
    }
  }
}

// Packs rows [p0, p0+kc) × cols [j0, j0+nc) of op(b) into panels NR wide,
// zero-padded on the right: panel q holds op(b)(p0+p, j0+q·nr+j) at
// q·nr·kc + p·nr + j.
void PackB(const Gemm& g, ptrdiff_t p0, ptrdiff_t kc, ptrdiff_t j0,
           ptrdiff_t nc, ptrdiff_t nr, Transposer transpose, double* out) {
  for (ptrdiff_t q = 0; q < nc; q += nr) {
    const ptrdiff_t cols = nc - q < nr ? nc - q : nr;
    double* dst = out + q * kc;
    const double* src = g.b + p0 * g.rsb + (j0 + q) * g.csb;
    if (g.csb == 1) {
      for (ptrdiff_t p = 0; p < kc; p++) {
        const double* s = src + p * g.rsb;
        double* d = dst + p * nr;
        for (ptrdiff_t j = 0; j < cols; j++) d[j] = s[j];
        for (ptrdiff_t j = cols; j < nr; j++) d[j] = 0.0;
      }
      continue;
    }
    if (g.rsb == 1) {
      transpose(src, g.csb, cols, kc, dst, nr);
    } else {
      for (ptrdiff_t p = 0; p < kc; p++) {
        for (ptrdiff_t j = 0; j < cols; j++) {
          dst[p * nr + j] = src[p * g.rsb + j * g.csb];
        }
      }
    }
    if (cols < nr) {
      for (ptrdiff_t p = 0; p < kc; p++) {
        for (ptrdiff_t j = cols; j < nr; j++) dst[p * nr + j] = 0.0;
      }
    }
  }
}

// A micro-kernel computes one tile: c[0..R) × [0..cols) (row stride ldc)
// = alpha · Σ_p ap[p·R + r] · bp[p·NR + j]  (+ c when acc).
using Tile = void (*)(ptrdiff_t kc, const double* ap, ptrdiff_t as,
                      const double* bp, ptrdiff_t bs,
                      double* c, ptrdiff_t ldc, ptrdiff_t cols, double alpha,
                      bool acc);

// ---------------------------------------------------------------- scalar

constexpr ptrdiff_t kScalarNr = 4;

template <int R>
void TileScalar(ptrdiff_t kc, const double* ap, ptrdiff_t as,
                const double* bp, ptrdiff_t bs, double* c,
                ptrdiff_t ldc, ptrdiff_t cols, double alpha, bool acc) {
  double t[R][kScalarNr] = {};
  for (ptrdiff_t p = 0; p < kc; p++) {
    for (int r = 0; r < R; r++) {
      const double x = ap[r];
      for (int j = 0; j < kScalarNr; j++) t[r][j] += x * bp[j];
    }
    ap += as;
    bp += bs;
  }
  for (int r = 0; r < R; r++) {
    double* cr = c + r * ldc;
    for (ptrdiff_t j = 0; j < cols; j++) {
      cr[j] = acc ? cr[j] + alpha * t[r][j] : alpha * t[r][j];
    }
  }
}

constexpr Tile kScalarTiles[] = {nullptr, TileScalar<1>, TileScalar<2>,
                                 TileScalar<3>, TileScalar<4>};

// ------------------------------------------------------------------ AVX2

constexpr ptrdiff_t kAvx2Nr = 8;

template <int R>
__attribute__((target("avx2,fma"))) void TileAvx2(
    ptrdiff_t kc, const double* ap, ptrdiff_t as, const double* bp,
    ptrdiff_t bs, double* c,
    ptrdiff_t ldc, ptrdiff_t cols, double alpha, bool acc) {
  __m256d t0[R], t1[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    t0[r] = _mm256_setzero_pd();
    t1[r] = _mm256_setzero_pd();
  }
  for (ptrdiff_t p = 0; p < kc; p++) {
    const __m256d b0 = _mm256_loadu_pd(bp);
    const __m256d b1 = _mm256_loadu_pd(bp + 4);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m256d x = _mm256_broadcast_sd(ap + r);
      t0[r] = _mm256_fmadd_pd(x, b0, t0[r]);
      t1[r] = _mm256_fmadd_pd(x, b1, t1[r]);
    }
    ap += as;
    bp += bs;
  }
  const __m256d va = _mm256_set1_pd(alpha);
  // Lane masks for a partial last column tile (all ones when cols = 8);
  // storing under masks keeps the accumulators in registers.
  const __m256i lane = _mm256_set_epi64x(3, 2, 1, 0);
  const __m256i m0 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(cols), lane);
  const __m256i m1 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(cols - 4), lane);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    double* cr = c + r * ldc;
    if (acc) {
      _mm256_maskstore_pd(
          cr, m0, _mm256_fmadd_pd(va, t0[r], _mm256_maskload_pd(cr, m0)));
      _mm256_maskstore_pd(
          cr + 4, m1,
          _mm256_fmadd_pd(va, t1[r], _mm256_maskload_pd(cr + 4, m1)));
    } else {
      _mm256_maskstore_pd(cr, m0, _mm256_mul_pd(va, t0[r]));
      _mm256_maskstore_pd(cr + 4, m1, _mm256_mul_pd(va, t1[r]));
    }
  }
}

constexpr Tile kAvx2Tiles[] = {nullptr,     TileAvx2<1>, TileAvx2<2>,
                               TileAvx2<3>, TileAvx2<4>, TileAvx2<5>,
                               TileAvx2<6>};

// --------------------------------------------------------------- AVX-512

constexpr ptrdiff_t kAvx512Nr = 16;

template <int R>
__attribute__((target("avx512f"))) void TileAvx512(
    ptrdiff_t kc, const double* ap, ptrdiff_t as, const double* bp,
    ptrdiff_t bs, double* c,
    ptrdiff_t ldc, ptrdiff_t cols, double alpha, bool acc) {
  __m512d t0[R], t1[R];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
    t0[r] = _mm512_setzero_pd();
    t1[r] = _mm512_setzero_pd();
  }
  for (ptrdiff_t p = 0; p < kc; p++) {
    const __m512d b0 = _mm512_loadu_pd(bp);
    const __m512d b1 = _mm512_loadu_pd(bp + 8);
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
      const __m512d x = _mm512_set1_pd(ap[r]);
      t0[r] = _mm512_fmadd_pd(x, b0, t0[r]);
      t1[r] = _mm512_fmadd_pd(x, b1, t1[r]);
    }
    ap += as;
    bp += bs;
  }
  const __m512d va = _mm512_set1_pd(alpha);
  const __mmask8 m0 =
      cols >= 8 ? __mmask8(0xff) : __mmask8((1u << cols) - 1u);
  const __mmask8 m1 =
      cols >= 16 ? __mmask8(0xff)
                 : (cols <= 8 ? __mmask8(0) : __mmask8((1u << (cols - 8)) - 1u));
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
    double* cr = c + r * ldc;
    if (acc) {
      _mm512_mask_storeu_pd(
          cr, m0, _mm512_fmadd_pd(va, t0[r], _mm512_maskz_loadu_pd(m0, cr)));
      _mm512_mask_storeu_pd(
          cr + 8, m1,
          _mm512_fmadd_pd(va, t1[r], _mm512_maskz_loadu_pd(m1, cr + 8)));
    } else {
      _mm512_mask_storeu_pd(cr, m0, _mm512_mul_pd(va, t0[r]));
      _mm512_mask_storeu_pd(cr + 8, m1, _mm512_mul_pd(va, t1[r]));
    }
  }
}

constexpr Tile kAvx512Tiles[] = {
    nullptr,         TileAvx512<1>,  TileAvx512<2>,  TileAvx512<3>,
    TileAvx512<4>,   TileAvx512<5>,  TileAvx512<6>,  TileAvx512<7>,
    TileAvx512<8>,   TileAvx512<9>,  TileAvx512<10>, TileAvx512<11>,
    TileAvx512<12>};

// ------------------------------------------------- matrix-vector shapes
//
// With one row or one column the product is a set of dot products or a
// combination of rows: no operand is reused, so packing and 16-wide tiles
// only add work. The bodies are compiled once per instruction set by
// inlining them into the target-attributed wrappers below.

inline double Put(double old, double alpha, double sum, bool acc) {
  return acc ? old + alpha * sum : alpha * sum;
}

// out[r] (+)= alpha · Σ_p x[r·ldx + p] · y[p], for r < rows.
__attribute__((always_inline)) inline void DotsBody(
    double* out, const double* x, ptrdiff_t ldx, ptrdiff_t rows,
    const double* y, ptrdiff_t k, double alpha, bool acc) {
  ptrdiff_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const double* x0 = x + r * ldx;
    const double* x1 = x0 + ldx;
    const double* x2 = x1 + ldx;
    const double* x3 = x2 + ldx;
    double s0[8] = {}, s1[8] = {}, s2[8] = {}, s3[8] = {};
    ptrdiff_t p = 0;
    for (; p + 8 <= k; p += 8) {
      for (int l = 0; l < 8; l++) {
        const double v = y[p + l];
        s0[l] += x0[p + l] * v;
        s1[l] += x1[p + l] * v;
        s2[l] += x2[p + l] * v;
        s3[l] += x3[p + l] * v;
      }
    }
    double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int l = 0; l < 8; l++) {
      t0 += s0[l];
      t1 += s1[l];
      t2 += s2[l];
      t3 += s3[l];
    }
    for (; p < k; p++) {
      t0 += x0[p] * y[p];
      t1 += x1[p] * y[p];
      t2 += x2[p] * y[p];
      t3 += x3[p] * y[p];
    }
    out[r] = Put(out[r], alpha, t0, acc);
    out[r + 1] = Put(out[r + 1], alpha, t1, acc);
    out[r + 2] = Put(out[r + 2], alpha, t2, acc);
    out[r + 3] = Put(out[r + 3], alpha, t3, acc);
  }
  for (; r < rows; r++) {
    const double* x0 = x + r * ldx;
    double s0[8] = {};
    ptrdiff_t p = 0;
    for (; p + 8 <= k; p += 8) {
      for (int l = 0; l < 8; l++) s0[l] += x0[p + l] * y[p + l];
    }
    double t0 = 0;
    for (int l = 0; l < 8; l++) t0 += s0[l];
    for (; p < k; p++) t0 += x0[p] * y[p];
    out[r] = Put(out[r], alpha, t0, acc);
  }
}

// out[j] (+)= alpha · Σ_p x[p·incx] · rows[p·ld + j], for j < len: four
// rows per pass over a block of out that stays in L1.
__attribute__((always_inline)) inline void RowsBody(
    double* __restrict out, ptrdiff_t len, const double* __restrict rows,
    ptrdiff_t ld, const double* x, ptrdiff_t incx, ptrdiff_t k, double alpha,
    bool acc) {
  constexpr ptrdiff_t kBlock = 1024;
  for (ptrdiff_t j0 = 0; j0 < len; j0 += kBlock) {
    const ptrdiff_t nb = len - j0 < kBlock ? len - j0 : kBlock;
    double* __restrict o = out + j0;
    if (!acc) {
      for (ptrdiff_t j = 0; j < nb; j++) o[j] = 0.0;
    }
    ptrdiff_t p = 0;
    for (; p + 4 <= k; p += 4) {
      const double c0 = alpha * x[p * incx];
      const double c1 = alpha * x[(p + 1) * incx];
      const double c2 = alpha * x[(p + 2) * incx];
      const double c3 = alpha * x[(p + 3) * incx];
      const double* __restrict y0 = rows + p * ld + j0;
      const double* __restrict y1 = y0 + ld;
      const double* __restrict y2 = y1 + ld;
      const double* __restrict y3 = y2 + ld;
      for (ptrdiff_t j = 0; j < nb; j++) {
        o[j] += c0 * y0[j] + c1 * y1[j] + c2 * y2[j] + c3 * y3[j];
      }
    }
    for (; p < k; p++) {
      const double c0 = alpha * x[p * incx];
      const double* __restrict y0 = rows + p * ld + j0;
      for (ptrdiff_t j = 0; j < nb; j++) o[j] += c0 * y0[j];
    }
  }
}

using DotsFn = void (*)(double*, const double*, ptrdiff_t, ptrdiff_t,
                        const double*, ptrdiff_t, double, bool);
using RowsFn = void (*)(double*, ptrdiff_t, const double*, ptrdiff_t,
                        const double*, ptrdiff_t, ptrdiff_t, double, bool);

void DotsScalar(double* out, const double* x, ptrdiff_t ldx, ptrdiff_t rows,
                const double* y, ptrdiff_t k, double alpha, bool acc) {
  DotsBody(out, x, ldx, rows, y, k, alpha, acc);
}
__attribute__((target("avx2,fma"))) inline double Sum4(__m256d v) {
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v),
                               _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

__attribute__((target("avx2,fma"))) void DotsAvx2(
    double* out, const double* x, ptrdiff_t ldx, ptrdiff_t rows,
    const double* y, ptrdiff_t k, double alpha, bool acc) {
  const ptrdiff_t k4 = k & ~ptrdiff_t(3);
  ptrdiff_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const double* x0 = x + r * ldx;
    const double* x1 = x0 + ldx;
    const double* x2 = x1 + ldx;
    const double* x3 = x2 + ldx;
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    for (ptrdiff_t p = 0; p < k4; p += 4) {
      const __m256d v = _mm256_loadu_pd(y + p);
      s0 = _mm256_fmadd_pd(_mm256_loadu_pd(x0 + p), v, s0);
      s1 = _mm256_fmadd_pd(_mm256_loadu_pd(x1 + p), v, s1);
      s2 = _mm256_fmadd_pd(_mm256_loadu_pd(x2 + p), v, s2);
      s3 = _mm256_fmadd_pd(_mm256_loadu_pd(x3 + p), v, s3);
    }
    double t0 = Sum4(s0), t1 = Sum4(s1), t2 = Sum4(s2), t3 = Sum4(s3);
    for (ptrdiff_t p = k4; p < k; p++) {
      t0 += x0[p] * y[p];
      t1 += x1[p] * y[p];
      t2 += x2[p] * y[p];
      t3 += x3[p] * y[p];
    }
    out[r] = Put(out[r], alpha, t0, acc);
    out[r + 1] = Put(out[r + 1], alpha, t1, acc);
    out[r + 2] = Put(out[r + 2], alpha, t2, acc);
    out[r + 3] = Put(out[r + 3], alpha, t3, acc);
  }
  for (; r < rows; r++) {
    const double* x0 = x + r * ldx;
    __m256d s0 = _mm256_setzero_pd(), s1 = s0;
    ptrdiff_t p = 0;
    for (; p + 8 <= k; p += 8) {
      s0 = _mm256_fmadd_pd(_mm256_loadu_pd(x0 + p), _mm256_loadu_pd(y + p), s0);
      s1 = _mm256_fmadd_pd(_mm256_loadu_pd(x0 + p + 4),
                           _mm256_loadu_pd(y + p + 4), s1);
    }
    double t0 = Sum4(_mm256_add_pd(s0, s1));
    for (; p < k; p++) t0 += x0[p] * y[p];
    out[r] = Put(out[r], alpha, t0, acc);
  }
}

__attribute__((target("avx512f"))) void DotsAvx512(
    double* out, const double* x, ptrdiff_t ldx, ptrdiff_t rows,
    const double* y, ptrdiff_t k, double alpha, bool acc) {
  const ptrdiff_t k8 = k & ~ptrdiff_t(7);
  const __mmask8 tail = __mmask8((1u << (k & 7)) - 1u);
  ptrdiff_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const double* x0 = x + r * ldx;
    const double* x1 = x0 + ldx;
    const double* x2 = x1 + ldx;
    const double* x3 = x2 + ldx;
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    for (ptrdiff_t p = 0; p < k8; p += 8) {
      const __m512d v = _mm512_loadu_pd(y + p);
      s0 = _mm512_fmadd_pd(_mm512_loadu_pd(x0 + p), v, s0);
      s1 = _mm512_fmadd_pd(_mm512_loadu_pd(x1 + p), v, s1);
      s2 = _mm512_fmadd_pd(_mm512_loadu_pd(x2 + p), v, s2);
      s3 = _mm512_fmadd_pd(_mm512_loadu_pd(x3 + p), v, s3);
    }
    if (tail != 0) {
      const __m512d v = _mm512_maskz_loadu_pd(tail, y + k8);
      s0 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, x0 + k8), v, s0);
      s1 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, x1 + k8), v, s1);
      s2 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, x2 + k8), v, s2);
      s3 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, x3 + k8), v, s3);
    }
    out[r] = Put(out[r], alpha, _mm512_reduce_add_pd(s0), acc);
    out[r + 1] = Put(out[r + 1], alpha, _mm512_reduce_add_pd(s1), acc);
    out[r + 2] = Put(out[r + 2], alpha, _mm512_reduce_add_pd(s2), acc);
    out[r + 3] = Put(out[r + 3], alpha, _mm512_reduce_add_pd(s3), acc);
  }
  for (; r < rows; r++) {
    const double* x0 = x + r * ldx;
    __m512d s0 = _mm512_setzero_pd(), s1 = s0;
    ptrdiff_t p = 0;
    for (; p + 16 <= k; p += 16) {
      s0 = _mm512_fmadd_pd(_mm512_loadu_pd(x0 + p), _mm512_loadu_pd(y + p), s0);
      s1 = _mm512_fmadd_pd(_mm512_loadu_pd(x0 + p + 8),
                           _mm512_loadu_pd(y + p + 8), s1);
    }
    for (; p < k; p += 8) {
      const __mmask8 m =
          k - p >= 8 ? __mmask8(0xff) : __mmask8((1u << (k - p)) - 1u);
      s0 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, x0 + p),
                           _mm512_maskz_loadu_pd(m, y + p), s0);
    }
    out[r] = Put(out[r], alpha, _mm512_reduce_add_pd(_mm512_add_pd(s0, s1)), acc);
  }
}

void RowsScalar(double* out, ptrdiff_t len, const double* rows, ptrdiff_t ld,
                const double* x, ptrdiff_t incx, ptrdiff_t k, double alpha,
                bool acc) {
  RowsBody(out, len, rows, ld, x, incx, k, alpha, acc);
}
__attribute__((target("avx2,fma"))) void RowsAvx2(
    double* out, ptrdiff_t len, const double* rows, ptrdiff_t ld,
    const double* x, ptrdiff_t incx, ptrdiff_t k, double alpha, bool acc) {
  RowsBody(out, len, rows, ld, x, incx, k, alpha, acc);
}
__attribute__((target("avx512f"))) void RowsAvx512(
    double* out, ptrdiff_t len, const double* rows, ptrdiff_t ld,
    const double* x, ptrdiff_t incx, ptrdiff_t k, double alpha, bool acc) {
  RowsBody(out, len, rows, ld, x, incx, k, alpha, acc);
}

// ---------------------------------------------------------------- driver

struct Kernels {
  ptrdiff_t mr;
  ptrdiff_t nr;
  const Tile* tiles;  // tiles[r] handles r rows, 1 ≤ r ≤ mr
  Transposer transpose;
  DotsFn dots;
  RowsFn rows;
};

// One row or one column of output: dot products or a row combination.
// Returns false for layouts these paths do not cover.
bool Vector(const Kernels& ks, const Gemm& g) {
  if (g.n == 1 && g.csa == 1 && g.rsb == 1) {  // c[i] = a_i · b
    ks.dots(g.c, g.a, g.rsa, g.m, g.b, g.k, g.alpha, g.accumulate);
    return true;
  }
  if (g.n == 1 && g.rsa == 1) {  // c = Σ_p b_p · (row p of aᵀ's storage)
    ks.rows(g.c, g.m, g.a, g.csa, g.b, g.rsb, g.k, g.alpha, g.accumulate);
    return true;
  }
  if (g.m == 1 && g.csb == 1) {  // c = Σ_p a_p · (row p of b)
    ks.rows(g.c, g.n, g.b, g.rsb, g.a, g.csa, g.k, g.alpha, g.accumulate);
    return true;
  }
  if (g.m == 1 && g.rsb == 1 && g.csa == 1) {  // c[j] = a · (row j of b)
    ks.dots(g.c, g.b, g.csb, g.n, g.a, g.k, g.alpha, g.accumulate);
    return true;
  }
  return false;
}

void Drive(const Kernels& ks, const Gemm& g) {
  const ptrdiff_t m = g.m, n = g.n, k = g.k;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!g.accumulate) std::memset(g.c, 0, sizeof(double) * m * n);
    return;
  }
  if ((m == 1 || n == 1) && Vector(ks, g)) return;
  const ptrdiff_t mr = ks.mr, nr = ks.nr;
  const ptrdiff_t ncMax = n < kNc ? n : kNc;
  const ptrdiff_t kcMax = k < kKc ? k : kKc;
  const ptrdiff_t mcMax = m < kMc ? m : kMc;
  double* bpack = tls_b.Ensure(((ncMax + nr - 1) / nr) * nr * kcMax);
  double* apack = tls_a.Ensure(mcMax * kcMax);
  const bool directB = g.csb == 1;
  const bool directA = g.rsa == 1 && g.csa != 1;

  for (ptrdiff_t j0 = 0; j0 < n; j0 += kNc) {
    const ptrdiff_t nc = n - j0 < kNc ? n - j0 : kNc;
    for (ptrdiff_t p0 = 0; p0 < k; p0 += kKc) {
      const ptrdiff_t kc = k - p0 < kKc ? k - p0 : kKc;
      const bool acc = g.accumulate || p0 > 0;
      // Operands whose panels are already contiguous rows (b in a·b and
      // aᵀ·b; a in aᵀ·b) are read in place; the rest are packed.
      const ptrdiff_t fullCols = directB ? (nc / nr) * nr : 0;
      if (!directB) {
        PackB(g, p0, kc, j0, nc, nr, ks.transpose, bpack);
      } else if (fullCols < nc) {
        PackB(g, p0, kc, j0 + fullCols, nc - fullCols, nr, ks.transpose,
              bpack);
      }
      for (ptrdiff_t i0 = 0; i0 < m; i0 += kMc) {
        const ptrdiff_t mc = m - i0 < kMc ? m - i0 : kMc;
        if (!directA) PackA(g, i0, mc, p0, kc, mr, ks.transpose, apack);
        for (ptrdiff_t jq = 0; jq < nc; jq += nr) {
          const ptrdiff_t cols = nc - jq < nr ? nc - jq : nr;
          const double* bp;
          ptrdiff_t bs = nr;
          if (!directB) {
            bp = bpack + jq * kc;
          } else if (jq < fullCols) {
            bp = g.b + p0 * g.rsb + j0 + jq;
            bs = g.rsb;
          } else {
            bp = bpack;
          }
          for (ptrdiff_t iq = 0; iq < mc; iq += mr) {
            const ptrdiff_t rows = mc - iq < mr ? mc - iq : mr;
            const double* ap = directA ? g.a + p0 * g.csa + i0 + iq
                                       : apack + iq * kc;
            const ptrdiff_t as = directA ? g.csa : rows;
            ks.tiles[rows](kc, ap, as, bp, bs,
                           g.c + (i0 + iq) * n + j0 + jq, n, cols, g.alpha,
                           acc);
          }
        }
      }
    }
  }
}

constexpr Kernels kScalar{4, kScalarNr, kScalarTiles, TransposeScalar,
                             DotsScalar, RowsScalar};
constexpr Kernels kAvx2{6, kAvx2Nr, kAvx2Tiles, TransposeScalar, DotsAvx2,
                           RowsAvx2};
constexpr Kernels kAvx512{12, kAvx512Nr, kAvx512Tiles, TransposeAvx512,
                             DotsAvx512, RowsAvx512};

Isa Detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return Isa::kAvx2;
  }
  return Isa::kScalar;
}

}  // namespace

Isa BestIsa() {
  static const Isa best = Detect();
  return best;
}

bool IsaSupported(Isa isa) {
  return static_cast<int>(isa) <= static_cast<int>(BestIsa());
}

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx2:
      return "avx2";
    default:
      return "scalar";
  }
}

void RunGemm(Isa isa, const Gemm& g) {
  switch (isa) {
    case Isa::kAvx512:
      Drive(kAvx512, g);
      break;
    case Isa::kAvx2:
      Drive(kAvx2, g);
      break;
    default:
      Drive(kScalar, g);
      break;
  }
}

}  // namespace sharpsweep
