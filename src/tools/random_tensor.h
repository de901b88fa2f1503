#ifndef SERVAL_TOOLS_RANDOM_TENSOR_H_
#define SERVAL_TOOLS_RANDOM_TENSOR_H_

// Random tensors for benchmark inputs: random rather than zeros, so that a model's data-dependent
// paths (sparse kernels, denormals, early exits) see realistic values.
//
// Values: floating point uniform in [-1, 1); integers uniform in [0, 100) (small enough for
// embedding indices); bool true or false; bytes 8 random lowercase letters.
//
// Thread safety: stateless apart from the generator, which the caller owns.
//
//   std::mt19937_64 random(seed);
//   Tensor x = RandomTensor(DataType::kFp32, {4, 8}, random);

#include <random>

#include "core/data_type.h"
#include "core/tensor.h"

namespace serval {

Tensor RandomTensor(DataType dtype, const Shape& shape, std::mt19937_64& random);

}  // namespace serval

#endif  // SERVAL_TOOLS_RANDOM_TENSOR_H_
