#pragma once
#include <string>
#include <utility>
#include <variant>

namespace tannha::domain {

/// Why an expected failure happened; the message is what the user is told (Vietnamese).
enum class errc {
  unknown_command,
  bad_form,
  bad_argument,
  not_found,
  forbidden,
  illegal_transition,
  duplicate,
  invalid_date,
  ambiguous,
  not_configured,
};

/// An expected failure: a value, not an exception.
struct failure {
  errc code;
  std::string message;
};

/// std::expected-like result (C++20 has none): either a T or a failure.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose, like std::expected
  result(failure f) : v_(std::move(f)) {}    // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const failure& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, failure> v_;
};

/// Shorthand for building a failure.
inline failure fail(errc code, std::string message) { return failure{code, std::move(message)}; }

}  // namespace tannha::domain
