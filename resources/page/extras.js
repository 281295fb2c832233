// Attachments, tool activity and citations on the conversation page: extends
// window.parley (defined in conversation.js) with functions Python calls.
"use strict";
