// Row-major double-precision matrix products for sharpsweep's hot loops.
//
// c (m×n, row stride n) = alpha · op(a) · op(b)  (+ c when accumulate),
// where op(a)(i, p) = a[i·rsa + p·csa] and op(b)(p, j) = b[p·rsb + j·csb].
// c must not alias a or b.
#ifndef SHARPSWEEP_GEMM_H
#define SHARPSWEEP_GEMM_H

#include <cstddef>

namespace sharpsweep {

enum class Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

struct Gemm {
  double* c;
  const double* a;
  const double* b;
  std::ptrdiff_t m, n, k;
  std::ptrdiff_t rsa, csa, rsb, csb;
  double alpha;
  bool accumulate;
};

// The widest instruction set this CPU and OS support (checked once).
Isa BestIsa();
bool IsaSupported(Isa isa);
const char* IsaName(Isa isa);

// Runs the product with the given kernel set; isa must be supported.
void RunGemm(Isa isa, const Gemm& g);

}  // namespace sharpsweep

#endif
