// dossier serve: small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  var log = document.getElementById("catatan");
  if (log && log.dataset.events && window.EventSource) {
    log.textContent = "";
    var source = new EventSource(log.dataset.events);
    source.addEventListener("line", function (e) {
      log.textContent += JSON.parse(e.data) + "\n";
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("progress", function (e) {
      var p = JSON.parse(e.data), bar = document.getElementById("kemajuan"), text = document.getElementById("kemajuan-teks");
      if (bar) { bar.max = p.tasks || 1; bar.value = p.done; }
      if (text) { text.textContent = p.done + " / " + p.tasks + (p.last ? " · " + p.last : ""); }
    });
    source.addEventListener("state", function (e) {
      var s = JSON.parse(e.data), state = document.getElementById("keadaan");
      if (state) { state.textContent = s.label; state.className = "state-" + s.state; }
    });
    source.addEventListener("end", function (e) {
      source.close();
      var cancel = document.getElementById("batal");
      if (cancel) { cancel.remove(); }
    });
  }
});
