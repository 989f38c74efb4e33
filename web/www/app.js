// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The secmsg web page: log in with a user name and passphrase (the key
 * lives in IndexedDB, encrypted: keystore.js), see who is online, pick a
 * recipient and chat; delivery results per message, the session's
 * algorithm and epoch, algorithm change and key rotation; errors said in
 * words.  All protocol and crypto work is secmsg.js's.
 */
import { SecmsgClient, generateKey, keyfileDecode, keyfileEncode,
	 keyfileIterations, publicKey, toBase64, userIdValid }
	from './lib/secmsg.js';
import { loadKeyFile, saveKeyFile } from './keystore.js';

const $ = (id) => document.getElementById(id);
const ALG_NAMES = {
	aes_256_gcm: 'AES-256-GCM',
	chacha20_poly1305: 'ChaCha20-Poly1305',
	twofish_cbc: 'Twofish-256-CBC + HMAC-SHA256',
};

let client = null;
let me = null;
let peer = null;
const online = new Set();
const log = [];				/* { peer, mine, from, text, time, ... } */
const byId = new Map();			/* message id -> entry */

/* ---- words ---- */

function errorWords(err, ctx = {}) {
	const who = ctx.user || me || 'this user';
	switch (err.code) {
	case 'passphrase':
		return 'Wrong passphrase (or the stored key is damaged).';
	case 'keyfile':
		return 'That file is not a secmsg key file.';
	case 'unknown_user':
		return `The server does not know the user “${who}”. Register your public key there first (see “Your key”).`;
	case 'auth':
		return `The server refused the login: your key is not the one registered for “${who}”, or the server's key is not the one pinned here.`;
	case 'server_auth':
		return 'The server could not prove that it holds the pinned server key: this is not the server you pinned.';
	case 'replayed':
		return 'The server saw this login attempt before (a clock problem?). Try again.';
	case 'connect':
		return `Cannot reach the server at ${ctx.url || 'that address'}.`;
	case 'timeout':
		return 'The server did not answer in time.';
	case 'replaced':
		return 'You logged in somewhere else, so this window was logged out.';
	case 'already_online':
		return `“${who}” is already logged in elsewhere and the server allows one login.`;
	case 'revoked':
		return 'Your user was removed, or its key changed, on the server.';
	case 'expired':
		return 'Your session expired. Log in again.';
	case 'shutdown':
		return 'The server is shutting down.';
	case 'recipient_offline':
		return `${ctx.to || 'The recipient'} is not online.`;
	case 'recipient_unknown':
		return `There is no user “${ctx.to || '?'}”.`;
	case 'rate_limited':
		return 'Too many messages at once; wait a moment.';
	case 'too_large':
		return 'The message is too long.';
	case 'bad_message':
		return 'The server refused the message.';
	case 'node_unreachable':
		return `${ctx.to || 'The recipient'} is logged in on another server of the cluster, which did not confirm the delivery in time. The message may or may not have arrived: sending it again may deliver it twice.`;
	case 'registration_refused': {
		const why = err.message.replace(/^registration_refused:?\s*/, '');
		return `The server would not register “${who}”${why ? `: ${why}` : ''}. Choose another user name or ask the server's operator.`;
	}
	case 'closed':
		switch (ctx.bye) {
		case 'too_many_errors':
			return 'The server closed the connection after too many errors.';
		case 'server_full':
			return 'The server is full. Try again later.';
		case 'handshake_timeout':
			return 'The login took too long.';
		default:
			return 'The connection was closed.';
		}
	case 'inval':
		return err.message;
	default:
		return `${err.message}.`;
	}
}

function alertMsg(text) {
	const a = $('alert');
	a.textContent = text || '';
	a.hidden = !text;
}

function status(text) {
	$('status').textContent = text;
}

/* ---- settings: server address and pinned keys ---- */

function defaultUrl() {
	const q = new URLSearchParams(location.search).get('server');
	if (q)
		return q;
	if (location.protocol === 'http:' || location.protocol === 'https:')
		return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
	return 'ws://127.0.0.1:8765/';
}

const pinKey = (url) => `secmsg.pin.${url}`;

function loadSettings() {
	$('url').value = localStorage.getItem('secmsg.url') || defaultUrl();
	$('user').value = localStorage.getItem('secmsg.user') || '';
	/* a '+' of base64 left unescaped in the address reads as a space */
	const q = new URLSearchParams(location.search).get('key')
		?.replaceAll(' ', '+');
	$('serverkey').value = localStorage.getItem(pinKey($('url').value)) ||
		q || '';
}

/* ---- keys ---- */

function showPublicKey(user, pub) {
	$('pubkey-user').textContent = user;
	$('pubkey').textContent = toBase64(pub);
	$('pubkey-box').hidden = false;
}

function loginFields() {
	const user = $('user').value.trim();
	const pass = $('pass').value;
	if (!userIdValid(user))
		throw new Error('Type a user name: 1 to 64 letters, digits, . _ @ - (not starting with . or -).');
	if (!pass)
		throw new Error('Type a passphrase.');
	return { user, pass };
}

async function newKey() {
	alertMsg('');
	try {
		const { user, pass } = loginFields();
		if (await loadKeyFile(user) &&
		    !confirm(`Replace the key of ${user} kept in this browser?`))
			return;
		const k = generateKey();
		await saveKeyFile(user, await keyfileEncode(k.privateKey, pass));
		k.privateKey.fill(0);
		showPublicKey(user, k.publicKey);
		$('key-info').textContent = `A new key for ${user} is kept in this browser.`;
	} catch (e) {
		alertMsg(e.code ? errorWords(e) : e.message);
	}
}

async function importKey(ev) {
	alertMsg('');
	const file = ev.target.files[0];
	ev.target.value = '';
	if (!file)
		return;
	try {
		const { user, pass } = loginFields();
		const img = new Uint8Array(await file.arrayBuffer());
		keyfileIterations(img);
		const priv = await keyfileDecode(img, pass);
		const pub = publicKey(priv);
		priv.fill(0);
		await saveKeyFile(user, img);
		showPublicKey(user, pub);
		$('key-info').textContent = `The key file is kept in this browser for ${user}.`;
	} catch (e) {
		alertMsg(e.code ? errorWords(e) : e.message);
	}
}

/* ---- the conversation ---- */

function hhmm(d) {
	return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function deliveryText(m) {
	if (m.delivered === undefined)
		return 'sending…';
	if (m.delivered)
		return 'delivered';
	return `not delivered: ${m.why}`;
}

function renderMessage(m) {
	const li = document.createElement('li');
	li.className = m.mine ? 'mine' : 'theirs';
	const meta = document.createElement('span');
	meta.className = 'meta';
	meta.textContent = `${hhmm(m.time)} ${m.mine ? 'you' : m.from}`;
	const text = document.createElement('span');
	text.className = 'text';
	text.textContent = m.text;
	li.append(meta, text);
	if (m.mine) {
		const st = document.createElement('span');
		st.className = `delivery ${m.delivered === false ? 'failed' :
			m.delivered ? 'ok' : ''}`;
		st.textContent = deliveryText(m);
		li.append(st);
	} else {
		const how = document.createElement('span');
		how.className = 'how';
		how.textContent = `${ALG_NAMES[m.alg] || m.alg}, epoch ${m.epoch}`;
		li.append(how);
	}
	return li;
}

function renderConversation() {
	const ol = $('messages');
	ol.replaceChildren(...log.filter((m) => m.peer === peer)
		.map(renderMessage));
	ol.lastElementChild?.scrollIntoView({ block: 'end' });
	$('conv-h').textContent = peer ? `Conversation with ${peer}` :
		'Pick someone to write to';
	$('text').disabled = $('send').disabled = !peer;
	$('text').placeholder = peer ? `Message to ${peer}` : 'Write a message';
}

function renderPeople() {
	const ul = $('people');
	const names = [...online].filter((u) => u !== me).sort();
	ul.replaceChildren(...names.map((u) => {
		const li = document.createElement('li');
		const b = document.createElement('button');
		b.type = 'button';
		b.textContent = u;
		const unread = log.filter((m) => m.peer === u && m.unread).length;
		if (unread)
			b.textContent += ` (${unread} new)`;
		if (u === peer)
			b.setAttribute('aria-current', 'true');
		b.addEventListener('click', () => pick(u));
		li.append(b);
		return li;
	}));
	if (!names.length) {
		const li = document.createElement('li');
		li.className = 'none';
		li.textContent = 'Nobody else is online.';
		ul.append(li);
	}
}

function pick(user) {
	peer = user;
	for (const m of log)
		if (m.peer === user)
			m.unread = false;
	renderPeople();
	renderConversation();
	$('text').focus();
}

function renderSession() {
	$('s-user').textContent = me || '';
	$('s-alg').textContent = client ? ALG_NAMES[client.alg] : '';
	$('s-epoch').textContent = client ? String(client.epoch) : '';
	$('s-id').textContent = client?.sessionId || '';
	$('newalg').value = client?.alg || 'aes_256_gcm';
}

/* ---- the client ---- */

function wire(c) {
	c.on('state', (st, err) => {
		if (st === 'ready') {
			status(`Logged in as ${me}`);
		} else if (st === 'idle') {
			if (err && $('chat').hidden === false)
				alertMsg(errorWords(err, { bye: c.byeReason }));
			showLogin();
		} else {
			status(st === 'closing' ? 'Logging out…' : 'Connecting…');
		}
	});
	c.on('online', (users) => {
		for (const u of users)
			online.add(u);
		renderPeople();
	});
	c.on('presence', ({ user, online: on }) => {
		if (on)
			online.add(user);
		else
			online.delete(user);
		renderPeople();
	});
	c.on('decrypted', (m) => {
		log.push({ peer: m.from, mine: false, from: m.from,
			   text: m.text ?? '(not text)', time: m.time,
			   alg: m.alg, epoch: m.epoch, unread: m.from !== peer });
		if (m.from === peer)
			renderConversation();
		renderPeople();
	});
	c.on('delivery', (d) => {
		const m = byId.get(d.id);
		if (!m)
			return;
		m.delivered = d.delivered;
		if (!d.delivered)
			m.why = errorWords(d.error, { to: d.to });
		if (m.peer === peer)
			renderConversation();
	});
	c.on('epoch', () => {
		renderSession();
		status(`Logged in as ${me}`);
	});
	c.on('error', (e) => {
		if (c.state === 'ready')
			alertMsg(errorWords(e));
	});
}

function showLogin() {
	$('chat').hidden = true;
	$('login').hidden = false;
	status('Not logged in');
	client = null;
	$('login-button').disabled = false;
}

async function login(ev) {
	ev.preventDefault();
	alertMsg('');
	let user, pass;
	try {
		({ user, pass } = loginFields());
	} catch (e) {
		alertMsg(e.message);
		return;
	}
	const url = $('url').value.trim();
	const key = $('serverkey').value.trim();
	const pinned = localStorage.getItem(pinKey(url));
	if (pinned && key && key !== pinned) {
		alertMsg(`The server key changed: ${url} had ${pinned} and now says ${key}. Not logging in. If the administrator really changed it, remove the pin (clear this site's data) and log in again.`);
		return;
	}
	if (!key) {
		alertMsg('Type the server public key (secmsgd prints it).');
		return;
	}
	const image = await loadKeyFile(user);
	if (!image) {
		alertMsg(`There is no key for ${user} in this browser: create a new key or import a key file.`);
		return;
	}
	let c;
	try {
		c = new SecmsgClient(url, { register: $('register').checked });
	} catch (e) {
		alertMsg(`${url} is not a server address (ws://HOST:PORT/).`);
		return;
	}
	$('login-button').disabled = true;
	status('Logging in…');
	me = user;
	online.clear();
	log.length = 0;
	byId.clear();
	peer = null;
	wire(c);
	try {
		await c.connect(user, $('alg').value,
				{ keyFile: image, passphrase: pass }, key);
	} catch (e) {
		alertMsg(errorWords(e, { user, url, bye: c.byeReason }));
		showLogin();
		return;
	}
	$('pass').value = '';
	localStorage.setItem(pinKey(url), key);
	localStorage.setItem('secmsg.url', url);
	localStorage.setItem('secmsg.user', user);
	client = c;
	$('login').hidden = true;
	$('chat').hidden = false;
	renderSession();
	renderPeople();
	renderConversation();
	/* keyboard users land on the list of people (or "Write to") */
	($('people').querySelector('button') || $('to')).focus();
}

function send(ev) {
	ev.preventDefault();
	const text = $('text').value;
	if (!client || !peer || !text)
		return;
	alertMsg('');
	try {
		const id = client.send(peer, text);
		const m = { peer, mine: true, text, time: new Date(), id };
		log.push(m);
		byId.set(id, m);
		$('text').value = '';
		renderConversation();
	} catch (e) {
		alertMsg(errorWords(e, { to: peer }));
	}
}

function init() {
	loadSettings();
	$('login-form').addEventListener('submit', login);
	$('newkey').addEventListener('click', newKey);
	$('import').addEventListener('change', importKey);
	$('send-form').addEventListener('submit', send);
	$('to-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const u = $('to').value.trim();
		if (!userIdValid(u)) {
			alertMsg('That is not a user name.');
			return;
		}
		$('to').value = '';
		pick(u);
	});
	$('url').addEventListener('change', () => {
		const p = localStorage.getItem(pinKey($('url').value.trim()));
		if (p)
			$('serverkey').value = p;
	});
	$('rotate').addEventListener('click', () => {
		client?.rotate();
		status('Rotating keys…');
	});
	$('changealg').addEventListener('click', () => {
		client?.rotate($('newalg').value);
		status(`Changing to ${ALG_NAMES[$('newalg').value]}…`);
	});
	$('logout').addEventListener('click', () => client?.disconnect());
	document.body.dataset.ready = '1';
}

init();
