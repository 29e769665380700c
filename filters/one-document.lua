-- one-document.lua: the book as one document (the PDF and the EPUB), from the pages' Markdown.
--
-- The HTML book is many pages, and an entry's card has the anchor `#<entry id>` on each chapter
-- page showing it. The PDF and the EPUB are one document each, where those anchors would repeat.
-- In every format but HTML with JavaScript this filter
--   * gives each card the label `<page>--<entry id>` (`rl--2509.17567`, `appendices-data--x`),
--     and its heading `<page>--card-...`, so every label is unique;
--   * makes the links between pages internal: `../chapters/rl.html#2509.17567` goes to the card's
--     label, a link to a page (`chapters/rl.html`, or `#` for the page itself) to its title;
--   * makes links to the book's other files (`references.bib`, `feed.xml`) absolute, on the
--     book's `site-url`, since they are not inside the PDF or the EPUB;
--   * in Typst, draws the curator's notes in a green box with a green rule (the EPUB has CSS);
--   * first, has the charts' images drawn: `python -m readinglist.static` draws those missing or
--     out of date from the plan the pre-render wrote (`_assets/charts/charts.json`), so a render
--     of the web book alone draws none. The Python is $QUARTO_PYTHON, else `python3`.
-- The pages' Markdown is the same for every format; in HTML this filter does nothing.

if quarto.doc.is_format("html:js") then
  return {}
end

local MARKER = "^<!%-%- quarto%-file%-metadata: ([^ ]+) %-%->$"
local NOTES_BOX = '#block(width: 100%, inset: (left: 9pt, rest: 6pt), radius: 2pt, '
  .. 'fill: rgb("#eef7ee"), stroke: (left: 3pt + rgb("#2e7d32")))['

-- The book file a metadata marker names (`chapters/rl.qmd`), or nil.
local function marker_file(el)
  if el.t ~= "RawBlock" or not el.format:match("^html") then
    return nil
  end
  local encoded = el.text:match(MARKER)
  if not encoded then
    return nil
  end
  local ok, meta = pcall(function() return quarto.json.decode(quarto.base64.decode(encoded)) end)
  if ok and type(meta) == "table" and type(meta.bookItemFile) == "string" then
    return meta.bookItemFile
  end
  return nil
end

-- `chapters/rl.qmd` -> `rl`, `chapters/rl/2024.qmd` -> `rl-2024`, `appendices/data.qmd` -> `appendices-data`.
local function page_key(file)
  local stem = file:gsub("%.%w+$", ""):gsub("^chapters/", "")
  return (stem:gsub("[^%w]+", "-"))
end

local function label(file, id)
  return page_key(file) .. "--" .. id
end

local function dirname(file)
  return file:match("^(.*)/") or ""
end

-- `base` joined with the relative path `path`, `..` and `.` resolved.
local function resolve(base, path)
  local parts = {}
  for part in (base .. "/" .. path):gmatch("[^/]+") do
    if part == ".." then
      table.remove(parts)
    elseif part ~= "." then
      table.insert(parts, part)
    end
  end
  return table.concat(parts, "/")
end

local function has_class(el, class)
  return el.classes and el.classes:includes(class)
end

-- Draw the charts' images the pages show in this format (see the header); fails the render,
-- with Python's message, when they cannot be drawn.
local function draw_chart_images()
  local python = os.getenv("QUARTO_PYTHON")
  if python == nil or python == "" then
    python = "python3"
  end
  pandoc.pipe(python, { "-m", "readinglist.static", quarto.project.directory }, "")
end

function Pandoc(doc)
  draw_chart_images()
  local site_url = nil
  local book = doc.meta.book
  if book and book["site-url"] then
    site_url = pandoc.utils.stringify(book["site-url"]):gsub("/+$", "")
  end

  -- Pass 1: each book file's cards and title (the first heading of level 1 after its marker).
  local cards, titles = {}, {}
  local file = nil
  for _, block in ipairs(doc.blocks) do
    file = marker_file(block) or file
    if file then
      cards[file] = cards[file] or {}
      local current = file
      pandoc.Blocks({ block }):walk({
        Div = function(el)
          if has_class(el, "paper-card") and el.identifier ~= "" then
            cards[current][el.identifier] = true
          end
        end,
        Header = function(el)
          if el.level == 1 and titles[current] == nil and el.identifier ~= "" then
            titles[current] = el.identifier
          end
        end,
      })
    end
  end

  local function target_of(current, target)
    if target:match("^%a[%w+.-]*:") then
      return target -- an address with a scheme: https:, mailto:
    end
    local path, anchor = target:match("^([^#]*)#?(.*)$")
    local page = current
    if path ~= "" then
      page = resolve(dirname(current), path):gsub("%.html$", ".qmd")
    end
    if cards[page] == nil and titles[page] == nil then
      -- not a page of the book: a file published next to it
      if site_url and path ~= "" then
        return site_url .. "/" .. resolve(dirname(current), path) .. (anchor ~= "" and ("#" .. anchor) or "")
      end
      return target
    end
    if anchor ~= "" then
      return (cards[page] and cards[page][anchor]) and ("#" .. label(page, anchor)) or ("#" .. anchor)
    end
    return titles[page] and ("#" .. titles[page]) or target
  end

  -- Pass 2: unique labels, internal links, the notes' box.
  local blocks = pandoc.Blocks({})
  file = nil
  for _, block in ipairs(doc.blocks) do
    file = marker_file(block) or file
    if file == nil then
      blocks:insert(block)
    else
      local current = file
      local filtered = pandoc.Blocks({ block }):walk({
        Div = function(el)
          if has_class(el, "paper-card") and cards[current][el.identifier] then
            el.identifier = label(current, el.identifier)
            return el
          end
          if has_class(el, "curator-notes") and quarto.doc.is_format("typst") then
            local boxed = pandoc.Blocks({ pandoc.RawBlock("typst", NOTES_BOX) })
            boxed:extend(el.content)
            boxed:insert(pandoc.RawBlock("typst", "]"))
            el.content = boxed
            return el
          end
        end,
        Span = function(el)
          if has_class(el, "notes-label") and quarto.doc.is_format("typst") then
            return pandoc.Strong(el.content)
          end
        end,
        Header = function(el)
          if el.identifier:match("^card%-") then
            el.identifier = label(current, el.identifier)
            return el
          end
        end,
        Link = function(el)
          el.target = target_of(current, el.target)
          return el
        end,
      })
      blocks:extend(filtered)
    end
  end
  doc.blocks = blocks
  return doc
end
