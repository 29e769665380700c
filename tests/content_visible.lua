-- Quarto's `content-visible` / `content-hidden` divs and spans with `when-format` / `unless-format`,
-- for pandoc run outside Quarto: "html:js" is HTML with JavaScript (not the EPUB), "html" any HTML.
local function matches(name)
  if name == "html:js" then
    return FORMAT:match("^html") ~= nil
  elseif name == "html" then
    return FORMAT:match("^html") ~= nil or FORMAT:match("^epub") ~= nil
  end
  return FORMAT == name or (name == "pdf" and (FORMAT == "latex" or FORMAT == "typst"))
end

local function handle(el)
  local visible = el.classes:includes("content-visible")
  if not visible and not el.classes:includes("content-hidden") then
    return nil
  end
  local shown = true
  if el.attributes["when-format"] then
    shown = matches(el.attributes["when-format"])
  elseif el.attributes["unless-format"] then
    shown = not matches(el.attributes["unless-format"])
  end
  if not visible then
    shown = not shown
  end
  return shown and el.content or {}
end

return { { Div = handle, Span = handle } }
