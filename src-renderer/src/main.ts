// Renderer entry: connects to the engine (Electron IPC or the web bridge, api/client.ts), installs that connection
// for the stores, and mounts the app with Pinia.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createApiClient } from './api/client';
import App from './App.vue';
import { installBackend } from './services/backend';
import './styles/app.css';

installBackend(createApiClient().connection);
createApp(App).use(createPinia()).mount('#app');
