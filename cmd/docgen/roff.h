// A minimal writer of man(7) roff for the generated man pages: escaping of text, font
// changes, and CLI11 help text (descriptions, footers) turned into roff paragraphs.
// Header-only because cmd/CMakeLists.txt names the generator's three sources.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace iotonb::docgen::roff {

// Roff text: a backslash prints as \e, and every hyphen becomes \- so option names print
// as the ASCII hyphen-minus a reader can paste into a shell (a bare '-' may print as U+2010).
inline std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  return out;
}
inline std::string bold(std::string_view s) { return "\\fB" + esc(s) + "\\fR"; }
inline std::string ital(std::string_view s) { return "\\fI" + esc(s) + "\\fR"; }

inline std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

// Descriptions are written as help-text fragments; in running prose they need a full stop.
inline std::string sentence(std::string s) {
  if (!s.empty() && s.back() != '.' && s.back() != '?' && s.back() != '!') s += '.';
  return s;
}

class Writer {
 public:
  void macro(std::string_view line) {
    // A paragraph break right after a heading or another break would add nothing.
    if (line == ".PP" && (last_.rfind(".SH", 0) == 0 || last_.rfind(".SS", 0) == 0 || last_ == ".PP")) return;
    last_ = line;
    (out_ += line) += '\n';
  }
  // A line of already-escaped text. A leading '.' or '\'' would make roff read a request.
  void text(const std::string& line) {
    if (!line.empty() && (line[0] == '.' || line[0] == '\'')) out_ += "\\&";
    out_ += line + '\n';
    last_ = line;
  }
  void plain(std::string_view line) { text(esc(line)); }
  // Running text. Help text packs lists as "a,b,c" without spaces; a break point after each
  // such comma lets roff wrap a long list at a narrow terminal width.
  void prose(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += esc(line.substr(i, 1));
      if (line[i] == ',' && i + 1 < line.size() && line[i + 1] != ' ') out += "\\:";
    }
    text(out);
  }

  // CLI11 footers are help text: hard-wrapped prose, plus indented example lines that must
  // keep their layout. Prose goes to filled paragraphs, indented runs to no-fill blocks,
  // and a "Label:" line right before an indented run starts a paragraph of its own.
  void help_text(const std::string& text) {
    std::vector<std::string> lines;
    for (std::size_t start = 0; start <= text.size();) {
      std::size_t end = std::min(text.find('\n', start), text.size());
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    auto indented = [&](std::size_t i) { return i < lines.size() && !lines[i].empty() && lines[i][0] == ' '; };
    enum { none, in_prose, in_block } state = none;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      if (line.empty()) {  // a blank line ends the paragraph
        if (state == in_block) macro(".fi");
        state = none;
        continue;
      }
      const bool label = !indented(i) && line.back() == ':' && indented(i + 1);
      if (indented(i) && state != in_block) {
        if (!(i > 0 && lines[i - 1].back() == ':')) macro(".PP");  // examples follow their label directly
        macro(".nf");
        state = in_block;
      } else if (!indented(i) && (state != in_prose || label)) {
        if (state == in_block) macro(".fi");
        macro(".PP");
        state = in_prose;
      }
      if (state == in_block) plain(line);
      else prose(line);
    }
    if (state == in_block) macro(".fi");
  }

  const std::string& str() const { return out_; }

 private:
  std::string out_;
  std::string last_;  // the last line written
};

}  // namespace iotonb::docgen::roff
