// The compiled parts of Boost.Asio (with its SSL support) and Boost.Beast, built once here
// instead of inline in every file that includes them: tannha_bot defines
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION for itself and for
// everything that links it (CMakeLists.txt). Shortens the build; no behaviour of its own.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
