package 'openssh-server'
