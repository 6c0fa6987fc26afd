// /paper/upload: a progress bar while the file is sent, then the batch's progress polled from the API.
// Without this script the form posts as it is and the progress page reloads itself.
(function () {
    'use strict';
    var form = document.getElementById('paper-upload');
    if (form && window.XMLHttpRequest && window.FormData) {
        form.addEventListener('submit', function (event) {
            var input = form.querySelector('input[type=file]');
            if (!input || !input.files || input.files.length === 0) return;
            event.preventDefault();
            var bar = document.getElementById('upload-progress');
            var percent = document.getElementById('upload-percent');
            var button = form.querySelector('button[type=submit]');
            bar.hidden = false;
            percent.hidden = false;
            button.disabled = true;
            var xhr = new XMLHttpRequest();
            xhr.open('POST', form.action);
            xhr.upload.addEventListener('progress', function (e) {
                if (!e.lengthComputable) return;
                bar.max = e.total;
                bar.value = e.loaded;
                percent.textContent = Math.floor(100 * e.loaded / e.total) + ' %';
            });
            xhr.addEventListener('load', function () {
                // The server redirects to the batch's progress page; the browser followed it.
                if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
                    window.location.assign(xhr.responseURL);
                    return;
                }
                var page = new DOMParser().parseFromString(xhr.responseText, 'text/html');
                var errors = page.querySelector('.errors');
                var old = document.querySelector('.errors');
                if (old) old.remove();
                if (errors) form.parentNode.insertBefore(document.importNode(errors, true), form);
                bar.hidden = true;
                percent.hidden = true;
                button.disabled = false;
            });
            xhr.addEventListener('error', function () {
                bar.hidden = true;
                button.disabled = false;
                percent.textContent = '✗';
            });
            xhr.send(new FormData(form));
        });
    }

    var status = document.getElementById('batch-status');
    if (!status || !window.fetch) return;
    var state = status.getAttribute('data-status');
    if (state === 'done' || state === 'failed') return;
    var bar = document.getElementById('batch-progress');
    function set(name, value) {
        var el = status.querySelector('[data-field="' + name + '"]');
        if (el) el.textContent = value;
    }
    function poll() {
        fetch(status.getAttribute('data-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (b) {
                if (!b) return;
                bar.max = Math.max(1, b.pagesTotal);
                bar.value = b.pagesDone;
                ['pagesDone', 'pagesTotal', 'sheetsStored', 'sheetsReview', 'pagesDuplicate', 'pagesUnreadable'].forEach(function (k) { set(k, b[k]); });
                // The finished page (summary, links to review) comes from the server.
                if (b.status === 'done' || b.status === 'failed') { window.location.reload(); return; }
                window.setTimeout(poll, 2000);
            })
            .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
})();
