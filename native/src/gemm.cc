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
using Tile = void (*)(ptrdiff_t kc, const double* ap, const double* bp,
                      double* c, ptrdiff_t ldc, ptrdiff_t cols, double alpha,
                      bool acc);

// ---------------------------------------------------------------- scalar

constexpr ptrdiff_t kScalarNr = 4;

template <int R>
void TileScalar(ptrdiff_t kc, const double* ap, const double* bp, double* c,
                ptrdiff_t ldc, ptrdiff_t cols, double alpha, bool acc) {
  double t[R][kScalarNr] = {};
  for (ptrdiff_t p = 0; p < kc; p++) {
    for (int r = 0; r < R; r++) {
      const double x = ap[r];
      for (int j = 0; j < kScalarNr; j++) t[r][j] += x * bp[j];
    }
    ap += R;
    bp += kScalarNr;
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
    ptrdiff_t kc, const double* ap, const double* bp, double* c,
    ptrdiff_t ldc, ptrdiff_t cols, double alpha, bool acc) {
  __m256d t0[R], t1[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    t0[r] = _mm256_setzero_pd();
    t1[r] = _mm256_setzero_pd();
  }
  for (ptrdiff_t p = 0; p < kc; p++) {
    const __m256d b0 = _mm256_load_pd(bp);
    const __m256d b1 = _mm256_load_pd(bp + 4);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m256d x = _mm256_broadcast_sd(ap + r);
      t0[r] = _mm256_fmadd_pd(x, b0, t0[r]);
      t1[r] = _mm256_fmadd_pd(x, b1, t1[r]);
    }
    ap += R;
    bp += kAvx2Nr;
  }
  const __m256d va = _mm256_set1_pd(alpha);
  if (cols == kAvx2Nr) {
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      double* cr = c + r * ldc;
      if (acc) {
        _mm256_storeu_pd(cr, _mm256_fmadd_pd(va, t0[r], _mm256_loadu_pd(cr)));
        _mm256_storeu_pd(cr + 4,
                         _mm256_fmadd_pd(va, t1[r], _mm256_loadu_pd(cr + 4)));
      } else {
        _mm256_storeu_pd(cr, _mm256_mul_pd(va, t0[r]));
        _mm256_storeu_pd(cr + 4, _mm256_mul_pd(va, t1[r]));
      }
    }
  } else {
    alignas(32) double t[R][kAvx2Nr];
    for (int r = 0; r < R; r++) {
      _mm256_store_pd(t[r], t0[r]);
      _mm256_store_pd(t[r] + 4, t1[r]);
    }
    for (int r = 0; r < R; r++) {
      double* cr = c + r * ldc;
      for (ptrdiff_t j = 0; j < cols; j++) {
        cr[j] = acc ? cr[j] + alpha * t[r][j] : alpha * t[r][j];
      }
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
    ptrdiff_t kc, const double* ap, const double* bp, double* c,
    ptrdiff_t ldc, ptrdiff_t cols, double alpha, bool acc) {
  __m512d t0[R], t1[R];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
    t0[r] = _mm512_setzero_pd();
    t1[r] = _mm512_setzero_pd();
  }
  for (ptrdiff_t p = 0; p < kc; p++) {
    const __m512d b0 = _mm512_load_pd(bp);
    const __m512d b1 = _mm512_load_pd(bp + 8);
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
      const __m512d x = _mm512_set1_pd(ap[r]);
      t0[r] = _mm512_fmadd_pd(x, b0, t0[r]);
      t1[r] = _mm512_fmadd_pd(x, b1, t1[r]);
    }
    ap += R;
    bp += kAvx512Nr;
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

// ---------------------------------------------------------------- driver

struct Kernels {
  ptrdiff_t mr;
  ptrdiff_t nr;
  const Tile* tiles;  // tiles[r] handles r rows, 1 ≤ r ≤ mr
  Transposer transpose;
};

void Drive(const Kernels& ks, const Gemm& g) {
  const ptrdiff_t m = g.m, n = g.n, k = g.k;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!g.accumulate) std::memset(g.c, 0, sizeof(double) * m * n);
    return;
  }
  const ptrdiff_t mr = ks.mr, nr = ks.nr;
  const ptrdiff_t ncMax = n < kNc ? n : kNc;
  const ptrdiff_t kcMax = k < kKc ? k : kKc;
  const ptrdiff_t mcMax = m < kMc ? m : kMc;
  double* bpack = tls_b.Ensure(((ncMax + nr - 1) / nr) * nr * kcMax);
  double* apack = tls_a.Ensure(mcMax * kcMax);

  for (ptrdiff_t j0 = 0; j0 < n; j0 += kNc) {
    const ptrdiff_t nc = n - j0 < kNc ? n - j0 : kNc;
    for (ptrdiff_t p0 = 0; p0 < k; p0 += kKc) {
      const ptrdiff_t kc = k - p0 < kKc ? k - p0 : kKc;
      const bool acc = g.accumulate || p0 > 0;
      PackB(g, p0, kc, j0, nc, nr, ks.transpose, bpack);
      for (ptrdiff_t i0 = 0; i0 < m; i0 += kMc) {
        const ptrdiff_t mc = m - i0 < kMc ? m - i0 : kMc;
        PackA(g, i0, mc, p0, kc, mr, ks.transpose, apack);
        for (ptrdiff_t jq = 0; jq < nc; jq += nr) {
          const ptrdiff_t cols = nc - jq < nr ? nc - jq : nr;
          const double* bp = bpack + jq * kc;
          for (ptrdiff_t iq = 0; iq < mc; iq += mr) {
            const ptrdiff_t rows = mc - iq < mr ? mc - iq : mr;
            ks.tiles[rows](kc, apack + iq * kc, bp,
                           g.c + (i0 + iq) * n + j0 + jq, n, cols, g.alpha,
                           acc);
          }
        }
      }
    }
  }
}

constexpr Kernels kScalar{4, kScalarNr, kScalarTiles, TransposeScalar};
constexpr Kernels kAvx2{6, kAvx2Nr, kAvx2Tiles, TransposeScalar};
constexpr Kernels kAvx512{12, kAvx512Nr, kAvx512Tiles, TransposeAvx512};

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
