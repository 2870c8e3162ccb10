#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "handlers/renderer.hpp"

using namespace tannha;

TEST_CASE("templates: every template parses and renders with no data, without stray empty lines") {
  handlers::renderer r;
  auto names = r.names();
  CHECK(names.size() > 20);
  for (const auto& name : names) {
    CAPTURE(name);
    std::string out;
    CHECK_NOTHROW(out = r.render(name));
    CHECK(out.find("\n\n\n") == std::string::npos);
    CHECK(out.find("{{") == std::string::npos);
  }
}

TEST_CASE("templates: a conditional line disappears when its value is empty, and shows when given") {
  handlers::renderer r;
  nlohmann::json data = {{"number", 12},        {"procedure", "Chứng thực chữ ký"},
                         {"citizen", "Nguyễn Văn Tư"}, {"village", "Đông Hải"},
                         {"full", true},        {"address", "xóm 3"},
                         {"phone", ""},         {"categories", "Thương binh, bệnh binh"},
                         {"visit_day", "Thứ Bảy 28/11"}, {"visit_time", "08:00"}};
  auto out = r.render("dangky_xong", data);
  CHECK(out.find("#12") != std::string::npos);
  CHECK(out.find("SĐT") == std::string::npos);
  CHECK(out.find("\n\n") == std::string::npos);
  data["phone"] = "0912345678";
  out = r.render("dangky_xong", data);
  CHECK(out.find("SĐT: 0912345678") != std::string::npos);
}

TEST_CASE("templates: no HTML escaping in chat text") {
  handlers::renderer r;
  auto out = r.render("tim_khong_thay", {{"query", "A & B <C> \"D\""}});
  CHECK(out.find("A & B <C> \"D\"") != std::string::npos);
}

TEST_CASE("templates: an unknown template name is a programming error") {
  handlers::renderer r;
  CHECK_THROWS_AS(r.render("khong_co_mau_nay"), std::logic_error);
}
