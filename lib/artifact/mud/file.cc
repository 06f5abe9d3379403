// The document and its ietf-mud:mud container (RFC 8520 2.1); the ACLs are acl_read.cc.
#include "artifact/mud/file.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "artifact/mud/read_util.h"
#include "artifact/mud/syntax.h"
#include "core/json.h"

namespace iotonb::artifact::mud {
namespace {

using detail::Checker;
using detail::child;
using detail::Json;

constexpr const char* kMud = "ietf-mud:mud";
constexpr const char* kAcls = "ietf-access-control-list:acls";

class MudReader {
 public:
  MudReader(Checker& check, std::set<std::string> acl_names) : check_(check), acl_names_(std::move(acl_names)) {}

  void container(const Json& mud, const std::string& path, MudFile& f) {
    if (!check_.object(mud, path)) return;
    bool version = false, url = false, updated = false, supported = false;
    for (const auto& [name, v] : mud.items()) {
      const std::string at = child(path, name);
      if (name == "mud-version") {
        version = true;
        if (auto n = check_.integer(v, at, 0, 255)) {
          if (*n != 1) check_.fail(at, "must be 1 (RFC 8520), is " + std::to_string(*n));
          f.mud_version = static_cast<int>(*n);
        }
      } else if (name == "mud-url") {
        url = true;
        if (auto s = check_.text(v, at, 1, SIZE_MAX)) {
          if (!is_https_url(*s)) check_.fail(at, "must be an https URL (RFC 8520 13.2), is " + detail::shown(v));
          f.mud_url = *s;
        }
      } else if (name == "last-update") {
        updated = true;
        if (auto s = check_.text(v, at, 1, SIZE_MAX)) {
          auto t = parse_date_and_time(*s);
          if (!t) check_.fail(at, t.error().message);
          else f.last_update_time = *t;
          f.last_update = *s;
        }
      } else if (name == "mud-signature") {
        f.mud_signature = uri(v, at);
      } else if (name == "cache-validity") {
        if (auto n = check_.integer(v, at, 1, 168)) f.cache_validity = static_cast<int>(*n);
      } else if (name == "is-supported") {
        supported = true;
        if (auto b = check_.boolean(v, at)) f.is_supported = *b;
      } else if (name == "systeminfo") {
        f.systeminfo = check_.text(v, at, 1, 60);
      } else if (name == "mfg-name") {
        f.mfg_name = check_.text(v, at, 1, 255);
      } else if (name == "model-name") {
        f.model_name = check_.text(v, at, 1, 255);
      } else if (name == "firmware-rev") {
        f.firmware_rev = check_.text(v, at, 1, 255);
      } else if (name == "software-rev") {
        f.software_rev = check_.text(v, at, 1, 255);
      } else if (name == "documentation") {
        f.documentation = uri(v, at);
      } else if (name == "extensions") {
        extensions(v, at, f.extensions);
      } else if (name == "from-device-policy") {
        policy(v, at, f.from_device_acls);
      } else if (name == "to-device-policy") {
        policy(v, at, f.to_device_acls);
      } else {
        check_.unknown(path, name);
      }
    }
    if (!version) check_.missing(path, "mud-version");
    if (!url) check_.missing(path, "mud-url");
    if (!updated) check_.missing(path, "last-update");
    if (!supported) check_.missing(path, "is-supported");
  }

 private:
  std::optional<std::string> uri(const Json& v, const std::string& at) {
    auto s = check_.text(v, at, 1, SIZE_MAX);
    if (s && !is_uri(*s)) {
      check_.fail(at, "must be a URI, is " + detail::shown(v));
      return std::nullopt;
    }
    return s;
  }

  void extensions(const Json& v, const std::string& at, std::vector<std::string>& out) {
    if (!check_.array(v, at)) return;
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto s = check_.text(v[i], child(at, i), 1, 40);
      if (!s) continue;
      // A leaf-list's values are unique (RFC 7950 7.7).
      if (std::find(out.begin(), out.end(), *s) != out.end()) check_.fail(child(at, i), "\"" + *s + "\" is listed twice");
      else out.push_back(*s);
    }
  }

  // {access-lists: {access-list: [{name}]}} (RFC 8520 2.1, RFC 8519 4.1 acl-sets).
  void policy(const Json& v, const std::string& at, std::vector<std::string>& out) {
    if (!check_.object(v, at)) return;
    for (const auto& [name, lists] : v.items()) {
      const std::string lists_at = child(at, name);
      if (name != "access-lists") {
        check_.unknown(at, name);
        continue;
      }
      if (!check_.object(lists, lists_at)) continue;
      for (const auto& [lname, list] : lists.items()) {
        const std::string list_at = child(lists_at, lname);
        if (lname != "access-list") {
          check_.unknown(lists_at, lname);
          continue;
        }
        if (!check_.array(list, list_at)) continue;
        for (std::size_t i = 0; i < list.size(); ++i) access_list(list[i], child(list_at, i), out);
      }
    }
  }

  void access_list(const Json& entry, const std::string& at, std::vector<std::string>& out) {
    if (!check_.object(entry, at)) return;
    bool named = false;
    for (const auto& [name, v] : entry.items()) {
      if (name != "name") {
        check_.unknown(at, name);
        continue;
      }
      named = true;
      const std::string name_at = child(at, name);
      auto s = check_.text(v, name_at, 1, 64);
      if (!s) continue;
      if (!acl_names_.count(*s)) check_.fail(name_at, "no ACL named \"" + *s + "\" in " + kAcls);
      if (std::find(out.begin(), out.end(), *s) != out.end()) check_.fail(name_at, "\"" + *s + "\" is listed twice");
      else out.push_back(*s);
    }
    if (!named) check_.missing(at, "name");
  }

  Checker& check_;
  std::set<std::string> acl_names_;
};

// The names the acls container defines, gathered first so the policies (which come before
// the ACLs in RFC 8520's order) can be checked as they are read.
std::set<std::string> acl_names(const Json& doc) {
  std::set<std::string> names;
  auto acls = doc.find(kAcls);
  if (acls == doc.end() || !acls->is_object()) return names;
  auto list = acls->find("acl");
  if (list == acls->end() || !list->is_array()) return names;
  for (const Json& acl : *list)
    if (acl.is_object())
      if (auto n = acl.find("name"); n != acl.end() && n->is_string()) names.insert(n->get<std::string>());
  return names;
}

}  // namespace

ReadOutcome read_mud(std::string_view text) {
  ReadOutcome out;
  // core::parse_json enforces the size and depth bounds and refuses duplicate members; its
  // DOM sorts members, so the walk below reads a second, order-keeping parse of the same
  // text (which cannot fail once the strict parse succeeded).
  auto strict = core::parse_json(text, {kMaxMudFileSize, kMaxMudDepth});
  if (!strict) {
    out.violations.push_back({"", strict.error().message});
    return out;
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    out.violations.push_back({"", "JSON: malformed"});
    return out;
  }
  Checker check;
  MudFile f;
  if (!doc.is_object()) {
    check.fail("", "the document must be a JSON object, is " + detail::shown(doc));
  } else {
    MudReader mud(check, acl_names(doc));
    bool has_mud = false;
    for (const auto& [name, v] : doc.items()) {
      if (name == kMud) {
        has_mud = true;
        mud.container(v, child("", name), f);
      } else if (name == kAcls) {
        detail::read_acls(v, child("", name), check, f.acls);
      } else {
        check.unknown("", name);
      }
    }
    if (!has_mud) check.missing("", kMud);
  }
  out.violations = check.take();
  if (out.violations.empty()) out.file = std::move(f);
  return out;
}

Result<MudFile> parse_mud(std::string_view text) {
  ReadOutcome r = read_mud(text);
  if (r.file) return std::move(*r.file);
  std::string message;
  for (const Violation& v : r.violations) {
    if (!message.empty()) message += '\n';
    message += v.path.empty() ? v.message : v.path + ": " + v.message;
  }
  return input_error(message);
}

}  // namespace iotonb::artifact::mud
