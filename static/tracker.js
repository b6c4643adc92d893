// Enhancements only: every page works without this file.
// Selecting words in a source's text offers "Mark a claim" for exactly that span.
(function () {
  "use strict";

  // Reading offset -> verbatim offset through a sentence's gloss map (as ReadingText.to_verbatim).
  function toVerbatim(sentence, readingOffset) {
    var start = parseInt(sentence.dataset.start, 10);
    var map = sentence.dataset.map ? JSON.parse(sentence.dataset.map) : [[0, start]];
    var pair = map[0];
    for (var i = 0; i < map.length; i++) {
      if (map[i][0] <= readingOffset) { pair = map[i]; } else { break; }
    }
    return pair[1] + readingOffset - pair[0];
  }

  // The verbatim offset of a DOM position inside a sentence's reading text.
  function offsetOf(node, offset) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    var sentence = element && element.closest(".sentence");
    if (!sentence) { return null; }
    var text = sentence.querySelector(".rt");
    if (!text.contains(node) && node !== text) {
      // The selection edge is on the anchor or the mark link: snap to the text's edge.
      var before = node.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING;
      return toVerbatim(sentence, before ? 0 : text.textContent.length);
    }
    var range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return toVerbatim(sentence, range.toString().length);
  }

  function setup(container) {
    var link = document.createElement("a");
    link.className = "selection-claim";
    link.textContent = "Mark a claim for this selection";
    link.hidden = true;
    document.body.appendChild(link);

    document.addEventListener("selectionchange", function () {
      var selection = document.getSelection();
      if (!selection || selection.isCollapsed || !container.contains(selection.anchorNode)) {
        link.hidden = true;
        return;
      }
      var range = selection.getRangeAt(0);
      var start = offsetOf(range.startContainer, range.startOffset);
      var end = offsetOf(range.endContainer, range.endOffset);
      if (start === null || end === null || end <= start) { link.hidden = true; return; }
      link.href = container.dataset.newClaimUrl + "?start=" + start + "&end=" + end;
      var box = range.getBoundingClientRect();
      link.style.left = (window.scrollX + box.left) + "px";
      link.style.top = (window.scrollY + box.bottom + 6) + "px";
      link.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.querySelector(".text[data-new-claim-url]");
    if (container && container.querySelector(".mark-claim")) { setup(container); }
  });
})();
