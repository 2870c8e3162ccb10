#pragma once
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tannha::handlers {

/// The fields of a registration form (docs/DESIGN.md §3).
enum class form_field { ho_ten, nam_sinh, thon, dia_chi, sdt, doi_tuong, thu_tuc, ghi_chu };

/// Stable keys of the fields in a saved draft ("ho_ten", …).
NLOHMANN_JSON_SERIALIZE_ENUM(form_field, {{form_field::ho_ten, "ho_ten"},
                                          {form_field::nam_sinh, "nam_sinh"},
                                          {form_field::thon, "thon"},
                                          {form_field::dia_chi, "dia_chi"},
                                          {form_field::sdt, "sdt"},
                                          {form_field::doi_tuong, "doi_tuong"},
                                          {form_field::thu_tuc, "thu_tuc"},
                                          {form_field::ghi_chu, "ghi_chu"}})

/// Every field, in the order of the form.
inline constexpr form_field all_form_fields[] = {form_field::ho_ten, form_field::nam_sinh, form_field::thon,
                                                 form_field::dia_chi, form_field::sdt, form_field::doi_tuong,
                                                 form_field::thu_tuc, form_field::ghi_chu};

/// The Vietnamese label of a field as shown to users ("Họ tên").
std::string_view field_label(form_field f);

/// A labelled form read from text: values as typed (NFC, trimmed), and what went wrong.
struct parsed_form {
  std::map<form_field, std::string> values;
  std::vector<std::string> unknown_labels;    ///< labels as typed that name no field
  std::vector<std::string> label_suggestions; ///< for each unknown label, the closest field label or ""
  std::vector<std::string> stray_lines;       ///< non-empty lines without "label:"
  std::vector<form_field> repeated;           ///< fields given twice with different values
  /// A "có phải …?" the bot asked about this draft: the field and the value a yes would set.
  std::optional<std::pair<form_field, std::string>> pending_yes;
  bool name_confirmed = false;  ///< the name without diacritics was confirmed as it is
};

/// A draft is saved as {"ho_ten": "…", …}: the recognised values only (what went wrong was
/// reported already). Reading skips unknown keys and values that are not strings, so a draft
/// written by another version never fails to load.
void to_json(nlohmann::json& j, const parsed_form& f);
void from_json(const nlohmann::json& j, parsed_form& f);

/// One thing wrong with a registration form, as the reply lists it.
struct form_problem {
  enum class kind { missing, unknown_label, stray, repeated, bad_name, bad_year, bad_phone, lookup, wrong_village,
                    name_no_marks };
  kind what = kind::missing;
  std::string label{};   ///< the field's label (missing, repeated, lookup: "Thôn")
  std::string typed{};   ///< what was typed (unknown_label, stray, bad_*, lookup)
  std::string suggest{}; ///< unknown_label: the closest field label, or ""
  std::string own{};     ///< wrong_village: the village head's own village
  // lookup: a value not found in the unit's villages or the catalog
  bool ambiguous = false;
  std::string suggestions{};  ///< the closest matches, joined
  std::string choices{};      ///< every choice, joined, when few enough to list

  /// The label of the line that fixes it ("Năm sinh"), or "" when no line does (a stray line).
  std::string fix_label() const;
};

/// Template data of a problem: the kind as a true flag ("missing": true) and its details, the
/// keys templates/dangky_thieu.mustache reads.
void to_json(nlohmann::json& j, const form_problem& p);

/// Reads "Label: value" lines (also several on one line separated by ';'). Labels fold like
/// commands ("Họ tên", "ho ten", "HO_TEN", "Họ và tên" all name ho_ten; "SĐT", "Số điện thoại",
/// "Điện thoại" name sdt; "Thôn" also as "Ấp", "Bản", "Tổ dân phố", "Khu phố"; "Đối tượng",
/// "Thủ tục", "Ghi chú", "Địa chỉ", "Năm sinh"). Both ':' and '：' separate label and value.
/// Values keep the user's spelling, NFC. Details:
/// - an empty value ("Họ tên:") is a missing field, not stored;
/// - a field given twice with different values (folded) keeps the first and is listed in
///   `repeated`;
/// - ';' separates pairs; a ';' inside a value is only kept in Địa chỉ, Đối tượng and Ghi chú
///   when the text after it has no "label:" ("Đối tượng: thương binh; cao tuổi"); elsewhere
///   that text is a stray piece;
/// - text before a colon with digits, more than five words or followed by "//" is not a label
///   ("8:30", links): such a line is a stray line;
/// - list bullets before labels ("- ", "• ", "1. ") are ignored, and so is a first line that
///   is a command ("/dangky"), so the whole message may be passed in.
parsed_form parse_form(std::string_view text);

/// parse_form() for an answer to a waiting form (issue 14, item 6): a line without a colon whose
/// first words are a label is read as that label and its value ("dia chi xom 1 nha mau xanh",
/// "nam sinh 1938", "sdt 0912345678"); Telex slips in labels are forgiven ("nawm sinh").
/// Short labels that begin ordinary sentences ("tổ", "bản", "ấp", "tên") need a colon.
parsed_form parse_form_answer(std::string_view text);

/// Merges a later answer into an earlier draft: fields in `later` replace those in `earlier`;
/// `repeated` keeps the earlier repetitions the answer does not settle, and unknown labels and
/// stray lines are the answer's own (the earlier ones were reported already).
parsed_form merge_forms(const parsed_form& earlier, const parsed_form& later);

}  // namespace tannha::handlers
